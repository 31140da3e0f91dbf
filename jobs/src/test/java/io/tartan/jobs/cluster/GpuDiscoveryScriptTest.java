package io.tartan.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conf/getGpusResources.sh, fed by a fake nvidia-smi: Spark's discovery format, and failures that stop Spark. */
class GpuDiscoveryScriptTest {
    @TempDir
    Path dir;

    @Test
    void listsEveryGpuInSparksFormat() throws Exception {
        Result r = run(Map.of("FAKE_GPU_INDEXES", "0 1 3"));
        assertEquals(0, r.status, r.stderr);
        JsonNode json = new ObjectMapper().readTree(r.stdout);
        assertEquals("gpu", json.get("name").asText());
        List<String> addresses = new ArrayList<>();
        json.get("addresses").forEach(a -> addresses.add(a.asText()));
        assertEquals(List.of("0", "1", "3"), addresses);
    }

    @Test
    void noGpuGivesAnEmptyList() throws Exception {
        Result r = run(Map.of("FAKE_GPU_INDEXES", ""));
        assertEquals(0, r.status, r.stderr);
        assertEquals(0, new ObjectMapper().readTree(r.stdout).get("addresses").size());
    }

    @Test
    void failingNvidiaSmiFailsTheScriptWithItsMessage() throws Exception {
        Result r = run(Map.of("FAKE_GPU_FAIL", "1"));
        assertNotEquals(0, r.status);
        assertTrue(r.stderr.contains("nvidia-smi failed") && r.stderr.contains("NVIDIA driver"), r.stderr);
    }

    @Test
    void missingNvidiaSmiFailsTheScript() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(FakeGpus.discoveryScript().toString());
        pb.environment().put("PATH", "/usr/bin:/bin");
        Result r = run(pb);
        assertNotEquals(0, r.status);
        assertTrue(r.stderr.contains("nvidia-smi not found"), r.stderr);
    }

    private Result run(Map<String, String> extra) throws Exception {
        Path bin = FakeGpus.install(dir);
        ProcessBuilder pb = new ProcessBuilder(FakeGpus.discoveryScript().toString());
        pb.environment().putAll(FakeGpus.env(bin, List.of()));
        pb.environment().putAll(extra);
        return run(pb);
    }

    private static Result run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("getGpusResources.sh did not finish within 30 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int status, String stdout, String stderr) {
    }
}
