package io.tartan.jobs.bench;

import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;
import io.tartan.query.eval.LatencyPercentiles;
import io.tartan.query.eval.RetrievalMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Queries run one at a time on the calling thread, with each one's latency and ranking.
 *
 * @param millis      per-query latency
 * @param rankings    per-query doc ids, best first
 * @param candidates  mean number of first-stage candidates
 */
record TimedQueries(double[] millis, List<List<String>> rankings, double candidates) {
    static TimedQueries run(List<float[]> queries, Function<float[], SearchResult> search) {
        double[] ms = new double[queries.size()];
        List<List<String>> rankings = new ArrayList<>(queries.size());
        long cand = 0;
        for (int i = 0; i < queries.size(); i++) {
            long t0 = System.nanoTime();
            SearchResult r = search.apply(queries.get(i));
            ms[i] = (System.nanoTime() - t0) / 1e6;
            rankings.add(r.hits().stream().map(SearchHit::docId).toList());
            cand += r.candidates();
        }
        return new TimedQueries(ms, rankings, (double) cand / Math.max(1, queries.size()));
    }

    double p50() {
        return LatencyPercentiles.of(millis).p50();
    }

    double p95() {
        return LatencyPercentiles.of(millis).p95();
    }

    /** Mean share of each query's true top 10 found in its top 10 here. */
    double recallAt10(List<List<String>> truth) {
        if (truth.size() != rankings.size()) {
            throw new IllegalArgumentException(rankings.size() + " rankings but " + truth.size() + " true top-10 lists");
        }
        double s = 0;
        for (int i = 0; i < rankings.size(); i++) {
            s += RetrievalMetrics.overlap(rankings.get(i), truth.get(i), 10);
        }
        return s / rankings.size();
    }
}
