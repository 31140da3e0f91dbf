package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/**
 * The reference PLAID (ColBERT v0.2.22) on the gen_synth.py data set (default arguments, seed 7, nbits 2, 2 cores,
 * search on 1 thread at ColBERT's k ≤ 10 defaults), as ../shared/DESIGN.md ("Data for tests and evaluation") records
 * it: measured once per machine kind, so a table quotes the measurement of the CPU it ran on, with its date.
 *
 * @param p95Ms NaN where the measurement did not record it
 */
record ReferencePlaid(String date, String cpu, double buildSeconds, double bytesPerToken, double p50Ms, double p95Ms,
        double recallAt10) {
    static final String SOURCE = "../shared/DESIGN.md";
    static final ReferencePlaid INTEL = new ReferencePlaid("2026-11-24", "Intel Xeon", 475, 42.2, 10, Double.NaN,
            0.752);
    static final ReferencePlaid AMD = new ReferencePlaid("2026-11-30", "AMD EPYC (load ≈ 2)", 585, 42.2, 11.1, 12.5,
            0.752);

    /** The measurements to quote for {@code cpuModel}: that vendor's, or both when it is neither. */
    static List<ReferencePlaid> forCpu(String cpuModel) {
        String m = cpuModel == null ? "" : cpuModel.toLowerCase(Locale.ROOT);
        if (m.contains("amd")) {
            return List.of(AMD);
        }
        if (m.contains("intel")) {
            return List.of(INTEL);
        }
        return List.of(INTEL, AMD);
    }

    String describe() {
        return "ColBERT v0.2.22 PLAID, " + cpu + ", " + date + " (" + SOURCE + ")";
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("source", SOURCE);
        o.put("date", date);
        o.put("cpu", cpu);
        o.put("build_seconds", buildSeconds);
        o.put("bytes_per_token", bytesPerToken);
        o.put("latency_p50_ms", p50Ms);
        if (!Double.isNaN(p95Ms)) {
            o.put("latency_p95_ms", p95Ms);
        }
        o.put("recall@10", recallAt10);
        return o;
    }
}
