package io.tartan.format.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this JVM can run the Vector API kernels: {@code jdk.incubator.vector} must be in the boot layer, which only a
 * launcher option puts there. Spark's launcher adds it to drivers and executors, as do Tartan's scripts; a host JVM
 * that embeds the query runtime, or a cluster whose Java options were overridden, may not. The scalar fallback gives
 * the same results several times slower, so its use is a WARN, logged once per JVM.
 */
public final class VectorApi {
    private static final Logger LOG = LoggerFactory.getLogger(VectorApi.class);
    public static final String MODULE = "jdk.incubator.vector";
    /** The JVM option that enables the Vector API kernels. */
    public static final String JVM_OPTION = "--add-modules " + MODULE;
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private VectorApi() {
    }

    public static boolean present() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** Logs, once per JVM, that the kernels fall back to scalar code and what to add to the JVM options. */
    static void warnScalarFallback(String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("{}: Tartan's kernels (MaxSim, centroid scores, decompression) run scalar code, several times "
                    + "slower; add `{}` to this JVM's options (spark.driver/executor.extraJavaOptions on a cluster)",
                    why, JVM_OPTION);
        }
    }
}
