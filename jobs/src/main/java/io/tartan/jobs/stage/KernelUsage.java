package io.tartan.jobs.stage;

import io.tartan.format.kernel.Kernels;
import org.apache.spark.SparkEnv;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which kernel implementation ran where in a build ({@code kernels} in the build summary): the driver's (k-means
 * centroid updates, the codec) and each executor's, as reported by the pass-2 tasks it ran. An executor started
 * without {@code --add-modules jdk.incubator.vector} shows {@code scalar} here.
 *
 * @param driver    kernel name on the driver, e.g. {@code vector-api(512-bit)} or {@code scalar}
 * @param executors executor id → kernel name its tasks reported ({@code driver} in local mode)
 */
public record KernelUsage(String driver, Map<String, String> executors) {
    /** The kernel name this JVM runs, for a task to report. */
    public static String here() {
        return Kernels.get().name();
    }

    /** The id of the executor this task runs on ({@code driver} in local mode). */
    public static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "driver" : env.executorId();
    }

    public static KernelUsage of(Iterable<ShardResult> results) {
        Map<String, String> byExecutor = new TreeMap<>();
        for (ShardResult r : results) {
            byExecutor.put(r.executorId(), r.kernels());
        }
        return new KernelUsage(here(), byExecutor);
    }

    /** Executors whose tasks ran the scalar fallback. */
    public Map<String, String> scalarExecutors() {
        Map<String, String> scalar = new TreeMap<>();
        executors.forEach((id, k) -> {
            if (!k.startsWith("vector-api")) {
                scalar.put(id, k);
            }
        });
        return scalar;
    }
}
