package io.tartan.jobs.cluster;

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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real standalone cluster (Master + 2 Workers, child JVMs) running the shaded jobs jar through spark-submit: a
 * trivial job first, then IndexJob, whose index must equal the local-mode build, then IndexJob again with a Worker
 * killed mid-job (last: the cluster is down a Worker afterwards), which must still give the identical index.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
    private static final long N = 100_000;
    private static final long EXPECTED = (N - 1) * N * (2 * N - 1) / 6;
    private static Path dir;
    private static LocalSparkCluster cluster;

    @BeforeAll
    static void start() {
        dir = ClusterFixture.workDir("cluster");
        cluster = LocalSparkCluster.start(dir, ClusterFixture.shadedJar(), LocalSparkCluster.Options.workers(2));
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
        assertEquals(2, cluster.executorLogs().size(), "one executor per worker");
    }

    @Test
    @Order(2)
    void indexJobOnTheClusterEqualsTheLocalModeBuild() {
        LocalReference ref = LocalReference.get();
        String out = dir.resolve("index-cluster").toString();
        ChildJvm driver = submitIndexJob("index", ref, out);
        assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);
        assertEquals(ref.fingerprint, IndexFingerprint.of(new Configuration(), out));
    }

    @Test
    @Order(3)
    void indexJobSurvivesAWorkerKilledMidJob() {
        LocalReference ref = LocalReference.get();
        String out = dir.resolve("index-killed").toString();
        ChildJvm driver = submitIndexJob("index-kill", ref, out);
        // k-means has started: the encoded sample is cached on both executors, k-means, the codec and pass 2 are
        // still to come, and the lost executor's share of the sample must be encoded again
        driver.awaitLog(Pattern.compile("stage kmeans: started"), JOB_TIMEOUT);
        cluster.killWorker(1);
        assertFalse(cluster.worker(1).isAlive());
        assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);
        String log = driver.readLog();
        assertTrue(log.contains("Lost executor") || log.contains("ExecutorLostFailure"),
                "the driver saw the executor go");
        assertEquals(ref.fingerprint, IndexFingerprint.of(new Configuration(), out),
                "lost tasks were re-run and gave the same index");
    }

    private static ChildJvm submitIndexJob(String name, LocalReference ref, String out) {
        return cluster.submit(name, List.of("--class", "io.tartan.jobs.IndexJob"), ClusterFixture.shadedJar(),
                LocalReference.args(ref.corpus.toString(), out));
    }
}
