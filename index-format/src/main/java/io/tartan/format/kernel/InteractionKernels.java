package io.tartan.format.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link LateInteractionKernels} implementation once per JVM, like {@link Kernels}: the Vector API
 * version when {@code jdk.incubator.vector} is in the boot layer, the scalar reference otherwise or when the system
 * property {@code tartan.kernels=scalar} is set.
 */
public final class InteractionKernels {
    private static final Logger LOG = LoggerFactory.getLogger(InteractionKernels.class);
    private static final LateInteractionKernels BEST = choose();

    private InteractionKernels() {
    }

    public static LateInteractionKernels get() {
        return BEST;
    }

    /** The Vector API kernels, or empty when the module is absent. */
    public static java.util.Optional<LateInteractionKernels> simd() {
        if (!VectorApi.present()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of((LateInteractionKernels) Class.forName(
                    "io.tartan.format.kernel.SimdLateInteractionKernels").getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("Vector API present but unusable ({}); using scalar late-interaction kernels", e.toString());
            return java.util.Optional.empty();
        }
    }

    private static LateInteractionKernels choose() {
        if ("scalar".equals(System.getProperty("tartan.kernels"))) {
            LOG.info("late-interaction kernels: scalar (forced by -Dtartan.kernels=scalar)");
            return ScalarLateInteractionKernels.INSTANCE;
        }
        java.util.Optional<LateInteractionKernels> simd = simd();
        if (simd.isEmpty() && !VectorApi.present()) {
            VectorApi.warnScalarFallback(VectorApi.MODULE + " is not in the boot layer");
        }
        LateInteractionKernels k = simd.orElse(ScalarLateInteractionKernels.INSTANCE);
        LOG.debug("late-interaction kernels: {}", k.name());
        return k;
    }
}
