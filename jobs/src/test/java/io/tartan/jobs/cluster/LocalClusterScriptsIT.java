package io.tartan.jobs.cluster;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/local-cluster.sh start|status|stop} and {@code scripts/submit.sh}: the by-hand cluster starts on
 * loopback, runs a job submitted through the wrapper, and leaves no process behind when stopped.
 */
@Tag("slow")
class LocalClusterScriptsIT {
    private static final long SCRIPT_TIMEOUT_S = 300;

    @Test
    void startSubmitStop() throws Exception {
        Path dir = ClusterFixture.workDir("cluster-scripts");
        Path scripts = Path.of(System.getProperty("tartan.confDir", "../conf")).resolveSibling("scripts");
        Map<String, String> env = Map.of("TARTAN_CLUSTER_DIR", dir.resolve("state").toString(), "MASTER_PORT", "0",
                "MASTER_WEBUI_PORT", "0");
        Path probe = AppJar.of(dir.resolve("probe.jar"), ClusterProbeJob.class);
        Path out = dir.resolve("probe.out");
        List<Long> pids = new ArrayList<>();
        try {
            Result start = run(List.of(scripts.resolve("local-cluster.sh").toString(), "start", "--workers", "2"),
                    env, dir.resolve("start.log"));
            assertEquals(0, start.status, start.output);
            String url = start.output.strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(url.matches("spark://127\\.0\\.0\\.1:\\d+"), start.output);
            for (String line : Files.readAllLines(dir.resolve("state/pids"))) {
                pids.add(Long.parseLong(line.split(" ")[0]));
            }
            assertEquals(3, pids.size(), "a master and two workers");

            Result status = run(List.of(scripts.resolve("local-cluster.sh").toString(), "status"), env,
                    dir.resolve("status.log"));
            assertEquals(0, status.status, status.output);
            assertTrue(status.output.contains(url), status.output);

            Map<String, String> submitEnv = new java.util.HashMap<>(env);
            submitEnv.put("TARTAN_JOBS_JAR", probe.toString());
            submitEnv.put("TARTAN_DRIVER_MEMORY", "1g");
            Result job = run(List.of(scripts.resolve("submit.sh").toString(), "--master", url,
                    "--class", ClusterProbeJob.class.getName(), "--conf", "spark.ui.enabled=false", "--",
                    out.toString(), "1000", "4", "0"), submitEnv, dir.resolve("submit.log"));
            assertEquals(0, job.status, job.output);
            assertEquals("sum=" + 999L * 1000 * 1999 / 6, Files.readAllLines(out).get(0));
        } finally {
            Result stop = run(List.of(scripts.resolve("local-cluster.sh").toString(), "stop"), env,
                    dir.resolve("stop.log"));
            assertEquals(0, stop.status, stop.output);
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " survived");
        }
    }

    private static Result run(List<String> cmd, Map<String, String> env, Path log) throws IOException,
            InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        // a developer's Spark distribution must not replace the Maven jars under test
        pb.environment().remove("SPARK_HOME");
        Process p = pb.start();
        if (!p.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within " + SCRIPT_TIMEOUT_S + " s; see " + log);
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private record Result(int status, String output) {
    }
}
