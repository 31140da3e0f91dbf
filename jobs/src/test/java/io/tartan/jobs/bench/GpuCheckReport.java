package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything scripts/gpu-check.sh measured and judged: one JSON document (sections by step, then the checks) and the
 * Markdown tables rendered from it alone, so the two never disagree.
 */
final class GpuCheckReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode root = JSON.createObjectNode();
    private final List<CheckResult> checks = new ArrayList<>();

    GpuCheckReport(boolean fake) {
        root.put("fake_gpu", fake);
    }

    /** The JSON object of one step (created on first use). */
    ObjectNode section(String name) {
        return root.has(name) ? (ObjectNode) root.get(name) : root.putObject(name);
    }

    void add(CheckResult check) {
        checks.add(check);
        System.out.printf(Locale.ROOT, "gpu-check: %-7s %s: %s%n", check.status(), check.name(), check.detail());
    }

    boolean failed() {
        return checks.stream().anyMatch(c -> c.status() == CheckResult.Status.FAIL);
    }

    /**
     * {@code fail} when a check failed; {@code incomplete} when none failed but some were skipped (a fake GPU, or
     * steps that did not run), so that a run which proved less never reads as a pass; {@code pass} otherwise.
     */
    String result() {
        if (failed()) {
            return "fail";
        }
        return checks.stream().anyMatch(c -> c.status() == CheckResult.Status.SKIPPED) ? "incomplete" : "pass";
    }

    ObjectNode toJson() {
        ObjectNode o = root.deepCopy();
        ArrayNode a = o.putArray("checks");
        checks.forEach(c -> a.add(c.toJson()));
        o.put("result", result());
        return o;
    }

    void write(Path json, Path markdown) throws IOException {
        ObjectNode o = toJson();
        Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
        Files.writeString(markdown, markdown(o));
    }

    /** The report as Markdown, from its JSON only. */
    static String markdown(JsonNode r) {
        StringBuilder b = new StringBuilder("# GPU check\n\n");
        if (r.path("fake_gpu").asBoolean()) {
            b.append("**Fake GPU run** (fake nvidia-smi, CPU fallback): GPU checks are skipped, and figures in the "
                    + "CUDA columns are CPU figures.\n\n");
        }
        JsonNode m = r.path("machine");
        JsonNode gpu = r.path("gpu");
        JsonNode ort = r.path("onnxruntime");
        MarkdownTable env = new MarkdownTable("what", "value");
        env.row("machine", m.path("cpu").asText("–") + ", " + m.path("cores").asText("–") + " cores, "
                + m.path("date").asText(""));
        for (JsonNode g : gpu.path("gpus")) {
            env.row("GPU " + g.path("index").asText(), g.path("name").asText() + ", " + g.path("memory").asText());
        }
        env.row("driver", text(gpu.path("driver_version"), "–"));
        env.row("CUDA (driver)", text(gpu.path("cuda_version"), "–"));
        env.row("ONNX Runtime", ort.path("artifact").asText("–") + ", providers "
                + ort.path("providers").toString().replace("\"", "") + ", " + text(ort.path("cuda_build"), "no CUDA"));
        env.row("CUDA libraries of the provider", ort.path("cuda_libraries").toString().replace("\"", ""));
        b.append(env).append('\n');

        JsonNode enc = r.path("encoder");
        if (enc.has("runs")) {
            b.append(String.format(Locale.ROOT, "Encoder: %s, %s, %d documents of %s (%d input tokens); CPU %s "
                            + "intra-op threads. fp16: %s.%n%n", enc.path("model").path("id").asText(),
                    enc.path("model").path("dtype").asText(), enc.path("documents").asInt(),
                    enc.path("corpus").asText(), enc.path("input_tokens").asLong(), enc.path("cpu_threads").asText(),
                    enc.path("fp16").path("measured").asBoolean() ? "measured" : "not measured, "
                            + enc.path("fp16").path("reason").asText()));
            MarkdownTable t = new MarkdownTable("batch", "CPU tokens/s", "CPU bare tokens/s", "device",
                    "GPU tokens/s", "GPU bare tokens/s", "speed-up", "max abs diff", "min cosine");
            for (JsonNode run : enc.path("runs")) {
                JsonNode c = run.path("cpu");
                JsonNode g = run.path("gpu");
                JsonNode a = run.path("agreement");
                t.row(run.path("batch").asInt(), Math.round(c.path("tokens_per_s").asDouble()),
                        Math.round(c.path("bare_tokens_per_s").asDouble()), g.path("actual").asText(),
                        Math.round(g.path("tokens_per_s").asDouble()),
                        Math.round(g.path("bare_tokens_per_s").asDouble()),
                        String.format(Locale.ROOT, "%.1f×", g.path("tokens_per_s").asDouble()
                                / c.path("tokens_per_s").asDouble()),
                        String.format(Locale.ROOT, "%.2e", a.path("max_abs_diff").asDouble()),
                        String.format(Locale.ROOT, "%.6f", a.path("min_cosine").asDouble()));
            }
            b.append(t).append('\n');
        }

        JsonNode job = r.path("index_job");
        if (job.has("seconds")) {
            MarkdownTable t = new MarkdownTable("IndexJob on a standalone master + 1 worker", "value");
            t.row("input", job.path("input").asText());
            t.row("documents / tokens", job.path("documents").asText("–") + " / " + job.path("tokens").asText("–"));
            t.row("wall seconds (spark-submit)", job.path("seconds").asDouble());
            t.row("encode tasks (devices)", job.path("encode_tasks").asInt() + " ("
                    + job.path("encode_devices").toString().replace("\"", "") + ")");
            b.append(t).append('\n');
        }
        JsonNode search = r.path("search");
        if (search.has("ndcg@10")) {
            MarkdownTable t = new MarkdownTable("search (sample queries)", "nDCG@10", "MRR@10", "Recall@100",
                    "p50 ms");
            t.row("PLAID defaults", search.path("ndcg@10").asDouble(), search.path("mrr@10").asDouble(),
                    search.path("recall@100").asDouble(), search.path("latency_p50_ms").asDouble());
            JsonNode ex = search.path("exact");
            t.row("exact MaxSim", ex.path("ndcg@10").asDouble(), ex.path("mrr@10").asDouble(),
                    ex.path("recall@100").asDouble(), ex.path("latency_p50_ms").asDouble());
            b.append(t).append('\n');
        }

        MarkdownTable t = new MarkdownTable("check", "result", "detail");
        for (JsonNode c : r.path("checks")) {
            t.row(c.path("name").asText(), c.path("status").asText().toUpperCase(Locale.ROOT),
                    c.path("detail").asText().replace("|", "\\|").replace("\n", " "));
        }
        b.append(t).append('\n').append("Result: **").append(r.path("result").asText().toUpperCase(Locale.ROOT))
                .append("**\n");
        return b.toString();
    }

    /** A text field, or {@code fallback} when it is missing or JSON null (Jackson's asText would say "null"). */
    private static String text(JsonNode n, String fallback) {
        return n.isTextual() ? n.asText() : fallback;
    }
}
