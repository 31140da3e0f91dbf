package io.tartan.jobs.stage;

import io.tartan.encoders.DeviceAssignment;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.resource.ExecutorResourceRequests;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * GPUs for the encode stage only. With {@code encoder_device gpu}, the RDDs that run the encoder get a stage-level
 * {@link ResourceProfile} whose tasks each ask for {@value #AMOUNT_KEY} GPUs (default 1); stages without an encoded
 * RDD (reading, numbering, the commit) keep the default profile and hold no GPU (but see the last paragraph). Each
 * encode task then finds its GPU address in {@code TaskContext.resourcesJMap().get("gpu")} and
 * {@link EncoderSpec#open()} opens ONNX Runtime's CUDA provider on it (CPU with one warning where CUDA is missing).
 *
 * <p>The executors must have GPUs ({@code spark.executor.resource.gpu.amount}, a discovery script; see
 * {@code conf/spark-defaults-gpu.conf}). Without dynamic allocation the profile is a task-only profile (Spark ≥ 3.4
 * on standalone, YARN and Kubernetes): encode tasks run on the default executors, which own the GPUs. With dynamic
 * allocation it also asks for executors with GPUs. No profile is applied, with one log line saying why, when:
 * <ul>
 *   <li>the master is {@code local}: local mode never schedules a task that asks for a GPU (it would hang);</li>
 *   <li>executors have no GPUs: such tasks could never be scheduled either;</li>
 *   <li>{@code spark.task.resource.gpu.amount} is set: every task already holds a GPU.</li>
 * </ul>
 * Spark gives a stage the profiles of all its RDDs up to the previous shuffle, cached or not: a later stage that
 * reads an encoded RDD through narrow dependencies only (k-means over the cached sample) would run under the GPU
 * profile too, so IndexJob shuffles the encoded sample (sorted by pid) whenever the profile applies.
 */
public final class EncodeResources {
    /** Spark's resource name for GPUs. */
    public static final String GPU = "gpu";
    /** GPUs per encode task; a fraction lets several encode tasks share one GPU (0.5 = two per GPU). */
    public static final String AMOUNT_KEY = "spark.tartan.encode.gpu.amount";

    private static final Logger LOG = LoggerFactory.getLogger(EncodeResources.class);
    // one line per task, although the encoder is opened once per batch
    private static final ThreadLocal<Long> LOGGED_TASK = new ThreadLocal<>();
    private static final Map<SparkContext, Optional<ResourceProfile>> PROFILES =
            Collections.synchronizedMap(new WeakHashMap<>());

    private EncodeResources() {
    }

    /**
     * {@code rdd} with the encode stage's GPU profile when {@code encoderDevice} is {@code gpu} and it can apply.
     * Every call on one Spark context gets the same profile: a stage whose RDDs carry two different profiles (a
     * shard build zipped with the encoded sample) is an error in Spark, even when the two ask for the same.
     */
    public static <T> JavaRDD<T> forEncodeStage(JavaRDD<T> rdd, String encoderDevice) {
        if (!isGpu(encoderDevice)) {
            return rdd;
        }
        Optional<ResourceProfile> p = PROFILES.computeIfAbsent(rdd.context(), sc -> profile(sc.getConf(), GPU));
        return p.map(rdd::withResources).orElse(rdd);
    }

    private static boolean isGpu(String encoderDevice) {
        return GPU.equalsIgnoreCase(encoderDevice == null ? "" : encoderDevice.trim());
    }

    /** The encode stage's profile for this configuration, or empty (see the class comment for when). */
    public static Optional<ResourceProfile> profile(SparkConf conf, String encoderDevice) {
        if (!isGpu(encoderDevice)) {
            return Optional.empty();
        }
        String master = conf.get("spark.master", "local");
        if (master.equals("local") || master.startsWith("local[")) {
            LOG.warn("encoder_device gpu with master {}: local mode cannot schedule GPU tasks, so the encoder runs "
                    + "on the CPU. Use a cluster master (or local-cluster[...]) with GPU executors.", master);
            return Optional.empty();
        }
        double executorGpus = conf.getDouble("spark.executor.resource.gpu.amount", 0);
        if (executorGpus <= 0) {
            LOG.warn("encoder_device gpu but executors have no GPUs (spark.executor.resource.gpu.amount is unset; "
                    + "see conf/spark-defaults-gpu.conf): the encoder runs on the CPU");
            return Optional.empty();
        }
        if (conf.getDouble("spark.task.resource.gpu.amount", 0) > 0) {
            LOG.info("spark.task.resource.gpu.amount is set: every task holds a GPU, no encode-stage profile needed");
            return Optional.empty();
        }
        double amount = conf.getDouble(AMOUNT_KEY, 1.0);
        if (amount <= 0 || (amount > 1 && amount != Math.rint(amount))) {
            throw new IllegalArgumentException(AMOUNT_KEY + " must be a fraction in (0, 1] or a whole number, got "
                    + amount);
        }
        TaskResourceRequests task = new TaskResourceRequests()
                .cpus(conf.getInt("spark.task.cpus", 1)).resource(GPU, amount);
        ResourceProfileBuilder b = new ResourceProfileBuilder().require(task);
        boolean dynamic = conf.getBoolean("spark.dynamicAllocation.enabled", false);
        if (dynamic) {
            ExecutorResourceRequests executor = new ExecutorResourceRequests()
                    .cores(conf.getInt("spark.executor.cores", 1))
                    .resource(GPU, (long) Math.ceil(executorGpus),
                            conf.get("spark.executor.resource.gpu.discoveryScript", ""),
                            conf.get("spark.executor.resource.gpu.vendor", ""));
            b.require(executor);
        }
        ResourceProfile p = b.build();
        LOG.info("encode stage: each task asks for {} GPU(s) ({} profile {}); other stages hold none", amount,
                dynamic ? "executor+task" : "task-only", p.id());
        return Optional.of(p);
    }

    /**
     * Logs, once per task, the GPU addresses Spark assigned the task and the device the encoder asked for and got:
     * {@code encode task 3.1 attempt 0 (TID 12): gpu addresses [1], encoder requested cuda:1, runs on cpu (…)}.
     * Called by {@link EncoderSpec#open()} when the device is {@code gpu}; the line is how an operator (and the
     * cluster test) sees that each task used the GPU it was given.
     */
    static void logTaskDevice(DeviceAssignment device) {
        TaskContext tc = TaskContext.get();
        if (tc == null) {
            return;
        }
        Long tid = tc.taskAttemptId();
        if (tid.equals(LOGGED_TASK.get())) {
            return;
        }
        LOGGED_TASK.set(tid);
        ResourceInformation gpu = tc.resourcesJMap().get(GPU);
        String addresses = gpu == null ? "[]" : Arrays.toString(gpu.addresses());
        LOG.info(String.format(Locale.ROOT, "encode task %d.%d attempt %d (TID %d): gpu addresses %s, encoder "
                        + "requested %s, runs on %s", tc.stageId(), tc.partitionId(), tc.attemptNumber(), tid,
                addresses, device.requested(), device));
    }
}
