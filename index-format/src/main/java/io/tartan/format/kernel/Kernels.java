package io.tartan.format.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernel implementation once per JVM: the Vector API version when {@code jdk.incubator.vector} is in the
 * boot layer (Spark's launcher adds it; so do Tartan's scripts), the scalar reference otherwise (one WARN per JVM,
 * {@link VectorApi}). Setting the system property {@code tartan.kernels=scalar} forces the reference (for benchmarks
 * and bisecting).
 */
public final class Kernels {
    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);
    private static final VectorKernels BEST = choose();

    private Kernels() {
    }

    public static VectorKernels get() {
        return BEST;
    }

    /** The Vector API kernels, or empty when the module is absent. */
    public static java.util.Optional<VectorKernels> simd() {
        if (!VectorApi.present()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of((VectorKernels) Class.forName("io.tartan.format.kernel.SimdKernels")
                    .getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("Vector API present but unusable ({}); using scalar kernels", e.toString());
            return java.util.Optional.empty();
        }
    }

    private static VectorKernels choose() {
        if ("scalar".equals(System.getProperty("tartan.kernels"))) {
            LOG.info("kernels: scalar (forced by -Dtartan.kernels=scalar)");
            return ScalarKernels.INSTANCE;
        }
        java.util.Optional<VectorKernels> simd = simd();
        if (simd.isEmpty() && !VectorApi.present()) {
            VectorApi.warnScalarFallback(VectorApi.MODULE + " is not in the boot layer");
        }
        VectorKernels k = simd.orElse(ScalarKernels.INSTANCE);
        LOG.debug("kernels: {}", k.name());
        return k;
    }
}
