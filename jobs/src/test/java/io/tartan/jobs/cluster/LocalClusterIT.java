package io.tartan.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real standalone cluster (Master + 2 Workers, child JVMs on 127.0.0.1) running the shaded jobs jar through
 * spark-submit. The Workers own fake GPUs, discovered by the real {@code conf/getGpusResources.sh} through a fake
 * {@code nvidia-smi} (worker 0: GPUs 0 and 1, worker 1: GPUs 2 and 3); jobs that do not ask for GPUs ignore them.
 * In order: a trivial job; the GPU wiring on its own; IndexJob, whose index must equal the local-mode build; and
 * IndexJob encoding on GPUs with a Worker killed mid-job (last: the cluster is a Worker short afterwards), which must
 * still give the identical index with every encode task asking for the GPU Spark assigned it. One cluster serves
 * all four because starting one costs about 20 s on two cores.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
    static final List<List<String>> WORKER_GPUS = List.of(List.of("0", "1"), List.of("2", "3"));
    private static final long N = 100_000;
    private static final long EXPECTED = (N - 1) * N * (2 * N - 1) / 6;
    private static final Pattern PROBE_LINE = Pattern.compile(
            "(plain|encode) stage=(\\d+) partition=(\\d+) executor=(\\S+) gpu=\\[([^]]*)] requested=(\\S+) "
                    + "actual=(\\S+) rows=(\\d+)");
    private static Path dir;
    private static LocalSparkCluster cluster;

    @BeforeAll
    static void start() {
        dir = ClusterFixture.workDir("cluster");
        Path bin = FakeGpus.install(dir);
        cluster = LocalSparkCluster.start(dir, ClusterFixture.shadedJar(), LocalSparkCluster.Options.workers(2)
                .withGpus(2, FakeGpus.discoveryScript(), WORKER_GPUS.stream().map(g -> FakeGpus.env(bin, g)).toList()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void trivialJobRunsOnBothWorkers() throws IOException {
        assertTrue(cluster.masterUrl().matches("spark://127\\.0\\.0\\.1:\\d+"), cluster.masterUrl());
        Path probe = AppJar.of(dir.resolve("probe.jar"), ClusterProbeJob.class);
        Path out = dir.resolve("probe.out");
        ChildJvm driver = cluster.submit("probe", List.of("--class", ClusterProbeJob.class.getName()), probe,
                List.of(out.toString(), String.valueOf(N), "8", "300"));
        assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);
        String result = Files.readString(out);
        Matcher sum = Pattern.compile("sum=(\\d+)").matcher(result);
        assertTrue(sum.find(), result);
        assertEquals(EXPECTED, Long.parseLong(sum.group(1)), result);
        assertTrue(result.contains("executors=0,1\n"), "both workers ran tasks: " + result);
        assertEquals(2, cluster.executorLogs(appId(driver)).size(), "one executor per worker");
    }

    @Test
    @Order(2)
    void onlyEncodeTasksGetAGpuAndTheEncoderAsksForIt() throws IOException {
        Path probe = AppJar.of(dir.resolve("gpu-probe.jar"), GpuProbeJob.class);
        Path out = dir.resolve("gpu.out");
        int partitions = 6;
        List<String> options = new ArrayList<>(gpuSubmitOptions());
        options.addAll(List.of("--jars", ClusterFixture.shadedJar().toString(), "--class",
                GpuProbeJob.class.getName()));
        ChildJvm driver = cluster.submit("gpu-probe", options, probe,
                List.of(out.toString(), String.valueOf(partitions)));
        assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);

        Set<Integer> encodePartitions = new HashSet<>();
        Map<String, Set<String>> gpusByExecutor = new HashMap<>();
        int plain = 0;
        for (String line : Files.readAllLines(out)) {
            Matcher m = PROBE_LINE.matcher(line);
            assertTrue(m.matches(), line);
            if (m.group(1).equals("plain")) {
                assertEquals("", m.group(5), "a stage without the encode profile holds no GPU: " + line);
                plain++;
                continue;
            }
            String gpu = m.group(5);
            assertTrue(allGpus().contains(gpu), "one discovered GPU per encode task: " + line);
            assertEquals("cuda:" + gpu, m.group(6), "the encoder asked for the task's GPU: " + line);
            assertEquals("cpu", m.group(7), "CPU build of ONNX Runtime: CUDA falls back to the CPU: " + line);
            assertTrue(Integer.parseInt(m.group(8)) > 0, "the encoder encoded: " + line);
            encodePartitions.add(Integer.parseInt(m.group(3)));
            gpusByExecutor.computeIfAbsent(m.group(4), e -> new HashSet<>()).add(gpu);
        }
        assertEquals(partitions, plain);
        assertEquals(partitions, encodePartitions.size());
        assertEquals(2, gpusByExecutor.size(), "both GPU executors ran encode tasks");
        // spark.executor.resource.gpu.amount=1: an executor keeps its one GPU for all its tasks
        gpusByExecutor.forEach((e, g) -> assertEquals(1, g.size(), "executor " + e + " used GPUs " + g));
        assertEquals(2, gpusByExecutor.values().stream().flatMap(Set::stream).distinct().count());

        String executorLogs = cluster.executorLogText(appId(driver));
        assertTrue(executorLogs.contains("CUDA requested (cuda:"), "the encoder's fallback warning is logged");
        List<EncodeTaskLog> logged = EncodeTaskLog.parse(executorLogs);
        assertEquals(partitions, logged.stream().map(EncodeTaskLog::partition).distinct().count(),
                "EncodeResources logs each encode task: " + logged);
        logged.forEach(t -> assertEquals("cuda:" + t.gpu(), t.requested(), t.toString()));
    }

    @Test
    @Order(3)
    void indexJobOnTheClusterEqualsTheLocalModeBuildWithVectorKernelsOnTheExecutors() throws IOException {
        LocalReference ref = LocalReference.get();
        String out = dir.resolve("index-cluster").toString();
        ChildJvm driver = cluster.submit("index", List.of("--class", "io.tartan.jobs.IndexJob"),
                ClusterFixture.shadedJar(), LocalReference.args(ref.corpus.toString(), out));
        assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);
        assertEquals(ref.fingerprint, IndexFingerprint.of(new Configuration(), out));

        // spark-submit's launcher adds --add-modules jdk.incubator.vector to the driver and the executors
        JsonNode kernels = new ObjectMapper().readTree(Path.of(out, "metadata", "v1.summary.json").toFile())
                .path("kernels");
        assertTrue(kernels.path("driver").asText().startsWith("vector-api"), kernels.toString());
        JsonNode executors = kernels.path("executors");
        assertTrue(executors.size() >= 1, "the pass-2 tasks reported their executors: " + kernels);
        executors.fields().forEachRemaining(e -> {
            assertNotEquals("driver", e.getKey(), "pass 2 ran on the cluster's executors: " + kernels);
            assertTrue(e.getValue().asText().startsWith("vector-api"), "executor " + e.getKey()
                    + " ran the scalar fallback: " + kernels);
        });
    }

    @Test
    @Order(4)
    void gpuIndexJobSurvivesAWorkerKilledMidJob() {
        LocalReference ref = LocalReference.get();
        String out = dir.resolve("index-gpu-killed").toString();
        List<String> args = LocalReference.args(ref.corpus.toString(), out);
        args.addAll(List.of("--encoder_device", "gpu"));
        List<String> options = new ArrayList<>(gpuSubmitOptions());
        options.addAll(List.of("--class", "io.tartan.jobs.IndexJob"));
        ChildJvm driver = cluster.submit("index-gpu-kill", options, ClusterFixture.shadedJar(), args);
        // k-means has started: the encoded sample is cached on both executors, k-means, the codec and pass 2 are
        // still to come, and the lost executor's share of the sample must be encoded again
        driver.awaitLog(Pattern.compile("stage kmeans: started"), JOB_TIMEOUT);
        cluster.killWorker(1);
        assertFalse(cluster.worker(1).isAlive());
        assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);
        String log = driver.readLog();
        assertTrue(log.contains("encode stage: each task asks for 1.0 GPU(s)"), "the GPU profile applied");
        // k-means and the codec read the encoded sample after a shuffle, so their task sets run on the default
        // profile (before that shuffle every one of them held a GPU): the pass that stores the points and draws the
        // codec's and the coarse k-means' samples, the group-by's map side and the group fit (the codec itself then
        // runs on the driver); in that window only a re-run of the encode stage, for the killed worker's lost
        // shuffle output, may ask for GPUs again
        String kmeans = log.substring(log.indexOf("stage kmeans: started"), log.indexOf("stage pass2: started"));
        Matcher sets = Pattern.compile("Adding task set \\S+ with \\d+ tasks resource profile (\\d+)").matcher(kmeans);
        int defaultProfileSets = 0;
        while (sets.find()) {
            if (sets.group(1).equals("0")) {
                defaultProfileSets++;
            }
        }
        assertTrue(defaultProfileSets >= 3, "k-means/codec task sets on the default profile: " + defaultProfileSets);
        assertTrue(log.contains("Lost executor") || log.contains("ExecutorLostFailure"),
                "the driver saw the executor go");
        assertEquals(ref.fingerprint, IndexFingerprint.of(new Configuration(), out),
                "lost tasks were re-run and gave the same index; the CPU fallback encodes as the CPU build does");

        List<EncodeTaskLog> logged = EncodeTaskLog.parse(cluster.executorLogText(appId(driver)));
        // 160 documents: ColBERT's sample is the whole corpus, so pass 1 encodes every shard and pass 2 none
        assertEquals(Set.of(0, 1, 2, 3), logged.stream().map(EncodeTaskLog::partition).collect(Collectors.toSet()),
                "every shard's encode task logged its device: " + logged);
        for (EncodeTaskLog t : logged) {
            assertTrue(allGpus().contains(t.gpu()), "an encode task without a GPU: " + t);
            assertEquals("cuda:" + t.gpu(), t.requested(), t.toString());
        }
    }

    /** spark-submit options that give each executor one GPU and nothing else (no spark.task.resource.gpu.amount). */
    private static List<String> gpuSubmitOptions() {
        return List.of("--conf", "spark.executor.resource.gpu.amount=1");
    }

    private static Set<String> allGpus() {
        return WORKER_GPUS.stream().flatMap(List::stream).collect(Collectors.toSet());
    }

    private static String appId(ChildJvm driver) {
        return driver.awaitLog(Pattern.compile("app ID (app-\\S+)"), Duration.ofSeconds(1));
    }
}
