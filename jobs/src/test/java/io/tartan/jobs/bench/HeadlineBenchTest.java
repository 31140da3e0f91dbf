package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The headline table from one synth result and one JMH result: every figure from them, the right reference. */
class HeadlineBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYNTH = """
            {"machine": {"cpu": "from cpuinfo", "cores": 2, "max_heap_mb": 4096, "java": "OpenJDK 17.0.15",
                         "date": "2026-11-30T14:00:00Z"},
             "data": "/data/synth", "nbits": 2, "documents": 20000, "tokens": 1199523, "ncentroids": 16384,
             "build_seconds": 61.25, "build_stage_seconds": {"read": 4.0, "kmeans": 40.0},
             "bytes_per_token": 35.66, "load_ms": 812.0,
             "latency_p50_ms": 5.81, "latency_p95_ms": 7.02, "recall@10": 0.8565,
             "search_params": {"mode": "fast", "ncells": 4, "ndocs": 256},
             "plaid": {"latency_p50_ms": 5.7, "latency_p95_ms": 6.9, "recall@10": 0.743,
                       "search_params": {"mode": "plaid", "ncells": 1, "centroid_score_threshold": 0.5, "ndocs": 256}},
             "exact": {"latency_p50_ms": 300.0, "latency_p95_ms": 320.0, "recall@10": 0.871}}
            """;

    @TempDir
    Path dir;

    private static String jmh(double vector, double vectorErr, double scalar, double scalarErr) {
        return "[" + row("decompress", "\"nbits\": \"2\"", 3.5e6, 0.05e6) + ","
                + row("maxsim", "\"kernels\": \"vector-api\"", vector, vectorErr) + ","
                + row("maxsim", "\"kernels\": \"scalar\"", scalar, scalarErr) + "]";
    }

    private static String row(String bench, String params, double score, double err) {
        return "{\"jmhVersion\": \"1.37\", \"benchmark\": \"io.tartan.format.bench.KernelBenchmark." + bench + "\", "
                + "\"forks\": 3, \"warmupIterations\": 3, \"measurementIterations\": 5, \"measurementTime\": \"1 s\", "
                + "\"params\": {" + params + "}, \"primaryMetric\": {\"score\": " + score + ", \"scoreError\": "
                + (Double.isNaN(err) ? "\"NaN\"" : Double.toString(err)) + ", \"scoreUnit\": \"ops/s\"}}";
    }

    private String run(String cpu, String kernels) throws Exception {
        Path synth = Files.writeString(dir.resolve("synth.json"), SYNTH);
        Path k = Files.writeString(dir.resolve("kernels.json"), kernels);
        Path md = dir.resolve("headline.md");
        assertEquals(0, BenchCommand.run("headline", "--synth", synth.toString(), "--kernels", k.toString(),
                "--cpu", cpu, "--command", "scripts/bench/figures.sh headline", "--started", "2026-11-30T13:50:00Z",
                "--ended", "2026-11-30T14:05:00Z", "--load-start", "0.10 0.20 0.30", "--load-end", "1.00 0.90 0.50",
                "--md", md.toString()));
        return Files.readString(md);
    }

    @Test
    void everyFigureComesFromTheRunAndTheReferenceFromTheSameCpuKind() throws Exception {
        String md = run("AMD EPYC 9B14", jmh(3.0e6, 0.06e6, 0.55e6, 0.01e6));
        assertTrue(md.contains(HeadlineBench.MARKER), md);
        assertTrue(md.contains("Command: `scripts/bench/figures.sh headline`"), md);
        assertTrue(md.contains("AMD EPYC 9B14, 2 cores"), md);
        assertTrue(md.contains("2026-11-30T13:50:00Z → 2026-11-30T14:05:00Z"), md);
        assertTrue(md.contains("at start 0.10 0.20 0.30, at end 1.00 0.90 0.50"), md);
        assertTrue(md.contains("AMD EPYC (load ≈ 2), 2026-11-30 (../shared/DESIGN.md)"), md);
        assertFalse(md.contains("Intel Xeon"), "only the reference measured on this CPU kind: " + md);
        assertTrue(md.contains("| build time, s | 585.0 | 61.3 |"), md);
        assertTrue(md.contains("| index size, bytes per token | 42.2 | 35.7 |"), md);
        assertTrue(md.contains("| 11.1 / 12.5 | 5.810 / 7.020 |"), md);
        assertTrue(md.contains("| PLAID mode recall@10 vs exact | 0.752 | 0.743 |"), md);
        assertTrue(md.contains("0.871"), md);
        assertTrue(md.contains("forks 3 × measured iterations 5 of 1 s"), md);
        assertTrue(md.contains("| decompress, nbits 2 (scalar code, no Vector API variant) | – | 3.50 M ± 0.05 M | – |"),
                md);
        // 3.0 / 0.55 = 5.45, relative errors 2% and 1.8%
        assertTrue(md.contains("| 3.00 M ± 0.06 M | 0.55 M ± 0.01 M | 5.45× ± 0.15 |"), md);
    }

    @Test
    void aSpeedUpWithALargeErrorIsNotClaimed() throws Exception {
        String md = run("Intel(R) Xeon(R) CPU @ 2.20GHz", jmh(2.99e6, 3.4e6, 0.55e6, 0.06e6));
        assertTrue(md.contains("Intel Xeon, 2026-11-24"), md);
        assertTrue(md.contains("not claimed: error 114% / 11% of the mean (> 10%)"), md);
        assertFalse(md.contains("5.4"), md);
        String noEstimate = run("Intel", jmh(2.99e6, Double.NaN, 0.55e6, Double.NaN));
        assertTrue(noEstimate.contains("not claimed: JMH gave no error estimate"), noEstimate);
    }

    @Test
    void aSynthResultOfSeveralNbitsIsRefused() throws Exception {
        JsonNode multi = JSON.readTree("{\"runs\": [" + SYNTH + "]}");
        Path synth = Files.writeString(dir.resolve("multi.json"), JSON.writeValueAsString(multi));
        assertEquals(1, BenchCommand.run("headline", "--synth", synth.toString()));
    }
}
