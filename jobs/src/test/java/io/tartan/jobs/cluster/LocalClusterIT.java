package io.tartan.jobs.cluster;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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

/** The cluster harness itself, proven with a trivial job: both Workers run tasks, and a lost Worker is survived. */
@Tag("slow")
class LocalClusterIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    private static final long N = 100_000;
    private static final long EXPECTED = (N - 1) * N * (2 * N - 1) / 6;

    @Test
    void trivialJobRunsOnBothWorkers() throws IOException {
        Path dir = ClusterFixture.workDir("cluster-probe");
        Path probe = AppJar.of(dir.resolve("probe.jar"), ClusterProbeJob.class);
        Path out = dir.resolve("probe.out");
        try (LocalSparkCluster c = LocalSparkCluster.start(dir, ClusterFixture.shadedJar(),
                LocalSparkCluster.Options.workers(2))) {
            assertTrue(c.masterUrl().matches("spark://127\\.0\\.0\\.1:\\d+"), c.masterUrl());
            ChildJvm driver = c.submit("probe", List.of("--class", ClusterProbeJob.class.getName()), probe,
                    List.of(out.toString(), String.valueOf(N), "8", "500"));
            assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);
            String result = Files.readString(out);
            assertEquals(EXPECTED, sum(result), result);
            assertEquals(2, executors(result).length, "both workers ran tasks: " + result);
            assertEquals(2, c.executorLogs().size(), "one executor per worker");
        }
    }

    @Test
    void jobFinishesWhenAWorkerIsKilledMidJob() throws IOException {
        Path dir = ClusterFixture.workDir("cluster-kill");
        Path probe = AppJar.of(dir.resolve("probe.jar"), ClusterProbeJob.class);
        Path out = dir.resolve("probe.out");
        try (LocalSparkCluster c = LocalSparkCluster.start(dir, ClusterFixture.shadedJar(),
                LocalSparkCluster.Options.workers(2))) {
            ChildJvm driver = c.submit("probe-kill", List.of("--class", ClusterProbeJob.class.getName()), probe,
                    List.of(out.toString(), String.valueOf(N), "24", "1000"));
            // both executors are running tasks and some have finished: the job is under way, not done
            driver.awaitLog("two finished tasks", log -> count(log, "Finished task") >= 2, JOB_TIMEOUT);
            c.killWorker(1);
            assertFalse(c.worker(1).isAlive());
            assertEquals(0, driver.awaitExit(JOB_TIMEOUT), driver::logTail);
            String log = driver.readLog();
            assertTrue(log.contains("Lost executor") || log.contains("lost executor")
                    || log.contains("ExecutorLostFailure"), "the driver saw the executor go");
            String result = Files.readString(out);
            assertEquals(EXPECTED, sum(result), "all partitions counted once after the retry: " + result);
        }
    }

    private static long sum(String result) {
        Matcher m = Pattern.compile("sum=(\\d+)").matcher(result);
        assertTrue(m.find(), result);
        return Long.parseLong(m.group(1));
    }

    private static String[] executors(String result) {
        Matcher m = Pattern.compile("executors=(\\S+)").matcher(result);
        assertTrue(m.find(), result);
        return m.group(1).split(",");
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
