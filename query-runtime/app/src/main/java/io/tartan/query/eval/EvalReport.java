package io.tartan.query.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchParams;

import java.util.Map;

/**
 * The outcome of one evaluation run.
 *
 * @param search          metrics of the configured search (PLAID or FAST mode)
 * @param exact           metrics of exhaustive exact MaxSim over the index (every live document, decompressed from
 *                        the index: the ceiling of any search on it); null when not asked for
 * @param recallVsExact10 mean share of the exhaustive search's top 10 found in the search's top 10; NaN without it
 * @param skippedUnjudged queries with no judgement at all, left out as trec_eval does
 * @param rejected        query lines or texts that could not be used (each reported with its line or id)
 * @param encodeP50Ms     median time to encode one text query; NaN when the queries came as vectors
 * @param exactFloat      metrics of exact MaxSim over the corpus's uncompressed float vectors; null when not asked for
 * @param floatCoverage   which documents {@code exactFloat} scored; null with it
 * @param compared        metrics of further modes (bm25, rerank, hybrid, …) over the same queries, by mode name
 */
public record EvalReport(String index, int k, String mode, SearchParams.Resolved params, MetricSummary search,
                         MetricSummary exact, double recallVsExact10, int skippedUnjudged, int rejected,
                         double encodeP50Ms, MetricSummary exactFloat, FloatCorpusRanker.Result floatCoverage,
                         Map<String, MetricSummary> compared) {
    public EvalReport {
        compared = compared == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(compared));
    }

    /** JSON key of the exhaustive search over the index (kept from when it was called "exact"). */
    public static final String EXACT = "exact";
    public static final String RECALL_10_VS_EXACT = "recall@10_vs_exact";
    public static final String EXACT_FLOAT = "exact_float";

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("index", index);
        o.put("k", k);
        ObjectNode p = o.putObject("search_params");
        p.put("mode", mode);
        p.put("ncells", params.ncells());
        if (params.pruning()) {
            p.put("centroid_score_threshold", params.threshold());
        }
        p.put("ndocs", params.ndocs());
        o.put("queries", search.queries());
        o.put("skipped_unjudged", skippedUnjudged);
        o.put("rejected_queries", rejected);
        o.setAll(search.toJson());
        if (!Double.isNaN(encodeP50Ms)) {
            o.put("encode_p50_ms", MetricSummary.round(encodeP50Ms, 1e3));
        }
        if (exact != null) {
            o.set(EXACT, exact.toJson());
            o.put(RECALL_10_VS_EXACT, recallVsExact10);
        }
        if (exactFloat != null) {
            o.set(EXACT_FLOAT, exactFloat.toJson());
            ObjectNode c = o.putObject("exact_float_documents");
            c.put("scored", floatCoverage.docsScored());
            c.put("not_in_index", floatCoverage.notInIndex());
            c.put("index_documents_missing_from_corpus", floatCoverage.missingFromCorpus());
            c.put("rejected_lines", floatCoverage.rejectedLines());
        }
        if (!compared.isEmpty()) {
            ObjectNode modes = o.putObject("modes");
            compared.forEach((name, m) -> modes.set(name, m.toJson()));
        }
        return o;
    }

    /** A few aligned lines for the terminal. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%d queries evaluated, %d skipped (no judgements), %d rejected%n",
                search.queries(), skippedUnjudged, rejected));
        b.append(String.format("%-12s %9s %9s %11s %9s %9s%n", "system", "nDCG@10", "MRR@10", "Recall@100", "p50 ms",
                "p95 ms"));
        b.append(row(mode, search));
        if (exact != null) {
            b.append(row("exhaustive", exact));
        }
        if (exactFloat != null) {
            b.append(row("exact-float", exactFloat));
        }
        if (exact != null) {
            b.append(String.format("exhaustive = exact MaxSim over every document of the index (decompressed); "
                    + "recall@10 of %s vs it: %.4f%n", mode, recallVsExact10));
        }
        if (exactFloat != null) {
            b.append(String.format("exact-float = exact MaxSim over uncompressed vectors re-encoded from the corpus "
                    + "(%d documents scored, %d not in the index, %d index documents missing from the corpus)%n",
                    floatCoverage.docsScored(), floatCoverage.notInIndex(), floatCoverage.missingFromCorpus()));
        }
        compared.forEach((name, m) -> b.append(row(name, m)));
        return b.toString();
    }

    private static String row(String name, MetricSummary m) {
        return String.format("%-12s %9.4f %9.4f %11.4f %9.2f %9.2f%n", name, m.ndcg10(), m.mrr10(), m.recall100(),
                m.latencyP50Ms(), m.latencyP95Ms());
    }
}
