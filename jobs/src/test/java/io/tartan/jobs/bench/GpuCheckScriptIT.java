package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.jobs.cluster.EncodeTaskLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/gpu-check.sh in its fake-GPU mode, on the jars this build made (--skip-build) and small settings: every
 * step runs for real (encoder benchmark, standalone cluster with a fake-GPU worker, IndexJob, search, eval), every
 * claim about a real GPU is reported skipped, and the run's result is "incomplete", never "pass".
 */
@Tag("slow")
class GpuCheckScriptIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Checks about the real GPU: a fake run must skip every one of them. */
    private static final Set<String> GPU_CHECKS = Set.of("gpu_listed", "onnxruntime_cuda_build",
            "cuda_libraries_found", "encoder_on_cuda", "vectors_match_batch_8", "gpu_speedup",
            "encode_tasks_ran_on_cuda");
    /** Checks of the script's own logic, which a fake run must pass. */
    private static final Set<String> LOGIC_CHECKS = Set.of("encoder_benchmark_ran", "cluster_started",
            "index_job_succeeded", "encode_stage_gpu_profile", "encode_tasks_asked_for_their_gpu", "search_answers",
            "eval_plaid_vs_exact");

    private static Path root() {
        return Path.of(System.getProperty("tartan.confDir", "../conf")).toAbsolutePath().normalize().getParent();
    }

    private static ProcessRun script(Path out, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(root().resolve("scripts/gpu-check.sh").toString(),
                "--fake-gpu", "--skip-build", "--out", out.toString()));
        cmd.addAll(List.of(args));
        return ProcessRun.run(cmd, env, root(), out.resolveSibling(out.getFileName() + ".log"),
                Duration.ofMinutes(10));
    }

    @Test
    void fakeRunExercisesEveryStepAndSkipsEveryGpuClaim() throws Exception {
        Path out = Path.of("target/gpu-check-it/fake").toAbsolutePath();
        ClusterIndexRun.deleteTree(out);
        ProcessRun run = script(out, Map.of(), "--docs", "8", "--batch-sizes", "8", "--min-seconds", "0",
                "--index-docs", "40", "--worker-cores", "1");
        assertEquals(0, run.exitCode(), run.tail(60));

        JsonNode r = JSON.readTree(out.resolve("gpu-check.json").toFile());
        assertTrue(r.path("fake_gpu").asBoolean());
        assertEquals("incomplete", r.path("result").asText(), "a fake run proves no GPU claim");
        Map<String, String> status = new HashMap<>();
        r.path("checks").forEach(c -> status.put(c.path("name").asText(), c.path("status").asText()));
        for (String c : GPU_CHECKS) {
            assertEquals("skipped", status.get(c), c + " in " + status);
        }
        for (String c : LOGIC_CHECKS) {
            assertEquals("pass", status.get(c), c + " in " + status + "\n" + run.tail(40));
        }
        assertEquals(GPU_CHECKS.size() + LOGIC_CHECKS.size(), status.size(), "checks: " + status.keySet());

        JsonNode bench = r.path("encoder").path("runs").get(0);
        assertEquals("cuda:0", bench.path("gpu").path("requested").asText());
        assertEquals("cpu", bench.path("gpu").path("actual").asText(), "no GPU here: the CUDA run fell back");
        assertTrue(bench.path("cpu").path("tokens_per_s").asDouble() > 0);
        assertFalse(r.path("encoder").path("fp16").path("measured").asBoolean(true), "fp16 is never faked");
        assertEquals(40, r.path("index_job").path("documents").asInt());
        assertTrue(r.path("index_job").path("encode_tasks").asInt() >= 1);
        assertTrue(r.path("search").path("exact").path("ndcg@10").asDouble() > 0);

        // the executor log lines the check judged are really there, asking for the fake GPU 0
        String md = Files.readString(out.resolve("gpu-check.md"));
        assertTrue(md.contains("**Fake GPU run**") && md.contains("| encode_tasks_ran_on_cuda | SKIPPED |")
                && md.contains("Result: **INCOMPLETE**"), md);
        StringBuilder executorLogs = new StringBuilder();
        try (var s = Files.walk(out.resolve("cluster/worker-0"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                executorLogs.append(Files.readString(p));
            }
        }
        List<EncodeTaskLog> tasks = EncodeTaskLog.parse(executorLogs.toString());
        assertFalse(tasks.isEmpty());
        tasks.forEach(t -> assertTrue(t.askedForAssignedGpu() && t.gpu().equals("0") && !t.ranOnAssignedGpu(),
                t.toString()));
        assertFalse(Files.exists(out.resolve("cluster/pids")), "the cluster was stopped");
    }

    @Test
    void failingNvidiaSmiFailsTheRunBeforeAnythingElse() throws Exception {
        Path out = Path.of("target/gpu-check-it/no-driver").toAbsolutePath();
        ClusterIndexRun.deleteTree(out);
        ProcessRun run = script(out, Map.of("FAKE_GPU_FAIL", "1"));
        assertEquals(1, run.exitCode(), run.tail(30));
        JsonNode r = JSON.readTree(out.resolve("gpu-check.json").toFile());
        assertEquals("fail", r.path("result").asText());
        JsonNode only = r.path("checks").get(0);
        assertEquals(1, r.path("checks").size(), r.toString());
        assertEquals("gpu_listed", only.path("name").asText());
        assertEquals("fail", only.path("status").asText());
        assertTrue(only.path("detail").asText().contains("NVIDIA driver"), only.toString());
        assertFalse(r.has("encoder"), "no step after a failed nvidia-smi");
    }
}
