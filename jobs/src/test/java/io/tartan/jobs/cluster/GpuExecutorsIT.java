package io.tartan.jobs.cluster;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPU executors without a GPU: Workers discover fake GPUs through the real {@code conf/getGpusResources.sh}
 * (worker 0 has GPUs 0 and 1, worker 1 has 2 and 3), executors get one each, and only the encode stage's tasks ask
 * for one; each encode task's encoder asks ONNX Runtime for exactly the CUDA device Spark assigned the task (and,
 * with the CPU build of ONNX Runtime, falls back to the CPU with a warning).
 */
@Tag("slow")
class GpuExecutorsIT {
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    static final List<List<String>> WORKER_GPUS = List.of(List.of("0", "1"), List.of("2", "3"));
    private static final Pattern LINE = Pattern.compile(
            "(plain|encode) stage=(\\d+) partition=(\\d+) executor=(\\S+) gpu=\\[([^]]*)] requested=(\\S+) "
                    + "actual=(\\S+) rows=(\\d+)");

    /** A 2-worker cluster whose workers own the fake GPUs of {@link #WORKER_GPUS}. */
    static LocalSparkCluster startGpuCluster(Path dir) {
        Path bin = FakeGpus.install(dir);
        return LocalSparkCluster.start(dir, ClusterFixture.shadedJar(), LocalSparkCluster.Options.workers(2)
                .withGpus(2, FakeGpus.discoveryScript(), WORKER_GPUS.stream()
                        .map(g -> FakeGpus.env(bin, g)).toList()));
    }

    /** spark-submit options that give each executor one GPU and nothing else (no spark.task.resource.gpu.amount). */
    static List<String> gpuSubmitOptions() {
        return List.of("--conf", "spark.executor.resource.gpu.amount=1");
    }

    private static Path dir;
    private static LocalSparkCluster c;

    @BeforeAll
    static void start() {
        dir = ClusterFixture.workDir("cluster-gpu");
        c = startGpuCluster(dir);
    }

    @AfterAll
    static void stop() {
        if (c != null) {
            c.close();
        }
    }

    @Test
    void onlyEncodeTasksGetAGpuAndTheEncoderAsksForIt() throws IOException {
        Path probe = AppJar.of(dir.resolve("probe.jar"), GpuProbeJob.class);
        Path shaded = ClusterFixture.shadedJar();
        Path out = dir.resolve("gpu.out");
        int partitions = 6;
        List<String> options = new ArrayList<>(gpuSubmitOptions());
        options.addAll(List.of("--jars", shaded.toString(), "--class", GpuProbeJob.class.getName()));
        ChildJvm driver = c.submit("gpu-probe", options, probe, List.of(out.toString(), String.valueOf(partitions)));
        assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);

        Set<String> allGpus = new HashSet<>();
        WORKER_GPUS.forEach(allGpus::addAll);
        Set<Integer> encodePartitions = new HashSet<>();
        Map<String, Set<String>> gpusByExecutor = new HashMap<>();
        int plain = 0;
        for (String line : Files.readAllLines(out)) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), line);
            if (m.group(1).equals("plain")) {
                assertEquals("", m.group(5), "a stage without the encode profile holds no GPU: " + line);
                plain++;
                continue;
            }
            String gpu = m.group(5);
            assertTrue(allGpus.contains(gpu), "one discovered GPU per encode task: " + line);
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

        String executorLogs = c.executorLogText(appId(driver));
        assertTrue(executorLogs.contains("CUDA requested (cuda:"), "the encoder's fallback warning is logged");
        List<EncodeTaskLog> logged = EncodeTaskLog.parse(executorLogs);
        assertEquals(partitions, logged.stream().map(EncodeTaskLog::partition).distinct().count(),
                "EncodeResources logs each encode task: " + logged);
        logged.forEach(t -> assertEquals("cuda:" + t.gpu(), t.requested(), t.toString()));
    }

    @Test
    void indexJobEncodesOnTheAssignedGpusAndBuildsTheSameIndex() {
        LocalReference ref = LocalReference.get();
        String out = dir.resolve("index-gpu").toString();
        List<String> args = LocalReference.args(ref.corpus.toString(), out);
        args.addAll(List.of("--encoder_device", "gpu"));
        List<String> options = new ArrayList<>(gpuSubmitOptions());
        options.addAll(List.of("--class", "io.tartan.jobs.IndexJob"));
        ChildJvm driver = c.submit("index-gpu", options, ClusterFixture.shadedJar(), args);
        assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);
        assertTrue(driver.readLog().contains("encode stage: each task asks for 1.0 GPU(s)"), "the profile applied");

        List<EncodeTaskLog> logged = EncodeTaskLog.parse(c.executorLogText(appId(driver)));
        Set<String> allGpus = new HashSet<>();
        WORKER_GPUS.forEach(allGpus::addAll);
        // 160 documents: ColBERT's sample is the whole corpus, so pass 1 encodes every shard and pass 2 none
        assertEquals(Set.of(0, 1, 2, 3), logged.stream().map(EncodeTaskLog::partition).collect(Collectors.toSet()),
                "every shard's encode task logged its device: " + logged);
        for (EncodeTaskLog t : logged) {
            assertTrue(allGpus.contains(t.gpu()), "an encode task without a GPU: " + t);
            assertEquals("cuda:" + t.gpu(), t.requested(), t.toString());
        }
        assertEquals(ref.fingerprint, IndexFingerprint.of(new Configuration(), out),
                "the CPU fallback encodes exactly as the CPU build");
    }

    private static String appId(ChildJvm driver) {
        return driver.awaitLog(Pattern.compile("app ID (app-\\S+)"), Duration.ofSeconds(1));
    }
}
