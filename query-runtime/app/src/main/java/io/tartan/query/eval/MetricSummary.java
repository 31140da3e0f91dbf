package io.tartan.query.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * Mean nDCG@10, MRR@10 and Recall@100 over the evaluated queries of one retrieval system, with its query latency.
 * Built one query at a time with {@link Builder}.
 */
public record MetricSummary(double ndcg10, double mrr10, double recall100, double latencyP50Ms, double latencyP95Ms,
                            int queries) {
    public static final String NDCG_10 = "ndcg@10";
    public static final String MRR_10 = "mrr@10";
    public static final String RECALL_100 = "recall@100";
    public static final String LATENCY_P50 = "latency_p50_ms";
    public static final String LATENCY_P95 = "latency_p95_ms";

    /** The five figures under their JSON keys; latencies rounded to µs. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put(NDCG_10, ndcg10);
        o.put(MRR_10, mrr10);
        o.put(RECALL_100, recall100);
        o.put(LATENCY_P50, round(latencyP50Ms, 1e3));
        o.put(LATENCY_P95, round(latencyP95Ms, 1e3));
        return o;
    }

    static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }

    /** Accumulates per-query values. */
    public static final class Builder {
        private double ndcg;
        private double mrr;
        private double recall;
        private final double[] latencies;
        private int n;

        public Builder(int capacity) {
            latencies = new double[capacity];
        }

        /**
         * @param top     the ranking nDCG@10 and MRR@10 are computed on
         * @param deep    a ranking at least 100 deep, for Recall@100 (may be {@code top} itself)
         * @param latency milliseconds the search for {@code top} took
         */
        public void add(List<String> top, List<String> deep, Map<String, Integer> judgements, double latency) {
            ndcg += RetrievalMetrics.ndcg(top, judgements, 10);
            mrr += RetrievalMetrics.reciprocalRank(top, judgements, 10);
            recall += RetrievalMetrics.recall(deep, judgements, 100);
            latencies[n++] = latency;
        }

        public MetricSummary build() {
            if (n == 0) {
                throw new IllegalStateException("no query was evaluated");
            }
            LatencyPercentiles p = LatencyPercentiles.of(java.util.Arrays.copyOf(latencies, n));
            return new MetricSummary(ndcg / n, mrr / n, recall / n, p.p50(), p.p95(), n);
        }
    }
}
