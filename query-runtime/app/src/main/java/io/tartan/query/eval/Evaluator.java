package io.tartan.query.eval;

import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs every judged query against an index, one at a time on the calling thread, and scores the rankings.
 *
 * <p>Each query is searched twice with the configured parameters: at {@code k} (timed; nDCG@10, MRR@10 and recall of
 * exact's top 10 come from this ranking, so the figures belong to the k a user asks for) and at 100 for Recall@100
 * (PLAID's defaults widen with k, so one deep search would not measure the k=10 settings). With {@code exact} the
 * same queries also run through exhaustive exact MaxSim over the index (every live document, decompressed); with
 * {@link #withExactFloat} through exact MaxSim over the corpus's uncompressed float vectors as well. Each mode of
 * {@link #compare} (e.g. bm25, rerank, hybrid) runs the same queries with the same knobs in that mode, for a
 * side-by-side report whose BM25 comes from the index's own text indexes.
 */
public final class Evaluator {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);
    /** Untimed queries first, so the JIT has compiled the search path before latencies count. */
    static final int WARMUP_QUERIES = 10;
    static final int RECALL_DEPTH = 100;

    private final TartanIndex index;
    private final Qrels qrels;
    private final int k;
    private final SearchParams params;
    private final boolean exact;
    private FloatCorpusRanker floatRanker;
    private java.nio.file.Path floatCorpus;
    private List<SearchParams.Mode> compare = List.of();

    public Evaluator(TartanIndex index, Qrels qrels, int k, SearchParams params, boolean exact) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        this.index = index;
        this.qrels = qrels;
        this.k = k;
        this.params = params == null ? SearchParams.defaults() : params;
        this.exact = exact;
        this.params.resolve(k);
    }

    /** Modes to evaluate next to the configured one, each reported as its own row. */
    public Evaluator compare(List<SearchParams.Mode> modes) {
        compare = List.copyOf(modes);
        return this;
    }

    /**
     * Also ranks every query by exact MaxSim over uncompressed float vectors of {@code corpus}'s documents, re-encoded
     * by {@code ranker} (the {@code exact_float} block of the report).
     */
    public Evaluator withExactFloat(FloatCorpusRanker ranker, java.nio.file.Path corpus) {
        this.floatRanker = ranker;
        this.floatCorpus = corpus;
        return this;
    }

    /**
     * @param rejectedBefore query lines already rejected while reading (added to the report's count)
     */
    public EvalReport run(List<EvalQuery> queries, int rejectedBefore) {
        int skipped = 0;
        int rejected = rejectedBefore;
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Double> encodeMs = new ArrayList<>();
        for (EvalQuery q : queries) {
            if (!qrels.isJudged(q.id())) {
                skipped++;
                continue;
            }
            if (q.vectors() != null) {
                ids.add(q.id());
                vectors.add(q.vectors());
                texts.add(q.text());
                continue;
            }
            try {
                long t0 = System.nanoTime();
                float[] v = index.encode(q.text());
                encodeMs.add((System.nanoTime() - t0) / 1e6);
                ids.add(q.id());
                vectors.add(v);
                texts.add(q.text());
            } catch (IllegalArgumentException e) {
                rejected++;
                LOG.warn("query {}: {}", q.id(), e.getMessage());
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no judged query to evaluate (" + skipped + " queries have no judgements, "
                    + rejected + " rejected)");
        }
        if (skipped > 0) {
            LOG.info("{} queries have no judgements and are skipped", skipped);
        }
        int deep = Math.max(k, RECALL_DEPTH);
        MetricSummary main = summary(params, ids, vectors, texts, deep);
        MetricSummary.Builder ex = exact ? new MetricSummary.Builder(ids.size()) : null;
        double overlap = 0;
        for (int i = 0; ex != null && i < ids.size(); i++) {
            float[] q = vectors.get(i);
            Map<String, Integer> judgements = qrels.judgements(ids.get(i));
            List<String> top = docIds(search(params, texts.get(i), q, k));
            long t1 = System.nanoTime();
            List<String> exactRanking = docIds(index.searchExact(q, deep));
            double exMs = (System.nanoTime() - t1) / 1e6;
            ex.add(exactRanking.subList(0, Math.min(k, exactRanking.size())), exactRanking, judgements, exMs);
            overlap += RetrievalMetrics.overlap(top, exactRanking, 10);
        }
        Map<String, MetricSummary> compared = new java.util.LinkedHashMap<>();
        for (SearchParams.Mode m : compare) {
            if (m != params.mode()) {
                compared.put(m.label(), summary(params.withMode(m), ids, vectors, texts, deep));
            }
        }
        double encodeP50 = encodeMs.isEmpty() ? Double.NaN
                : LatencyPercentiles.of(encodeMs.stream().mapToDouble(Double::doubleValue).toArray()).p50();
        MetricSummary exactFloat = null;
        FloatCorpusRanker.Result coverage = null;
        if (floatRanker != null) {
            coverage = floatRanker.rank(floatCorpus, vectors, deep, r -> LOG.warn("exact-float: skipped {}", r));
            MetricSummary.Builder fl = new MetricSummary.Builder(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                List<String> ranking = coverage.rankings().get(i);
                fl.add(ranking.subList(0, Math.min(k, ranking.size())), ranking, qrels.judgements(ids.get(i)),
                        coverage.latencyMs()[i]);
            }
            exactFloat = fl.build();
        }
        return new EvalReport(index.uri(), k, params.mode().label(), params.resolve(k, index.snapshot().numCentroids()),
                main, ex == null ? null : ex.build(), ex == null ? Double.NaN : overlap / ids.size(), skipped,
                rejected, encodeP50, exactFloat, coverage, compared);
    }

    /** One mode over every query: timed search at k, untimed at the recall depth. */
    private MetricSummary summary(SearchParams p, List<String> ids, List<float[]> vectors, List<String> texts,
            int deep) {
        for (int i = 0; i < Math.min(WARMUP_QUERIES, vectors.size()); i++) {
            search(p, texts.get(i), vectors.get(i), k);
        }
        MetricSummary.Builder main = new MetricSummary.Builder(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            float[] q = vectors.get(i);
            Map<String, Integer> judgements = qrels.judgements(ids.get(i));
            long t0 = System.nanoTime();
            List<String> top = docIds(search(p, texts.get(i), q, k));
            double ms = (System.nanoTime() - t0) / 1e6;
            List<String> deepRanking = deep == k ? top : docIds(search(p, texts.get(i), q, deep));
            main.add(top, deepRanking, judgements, ms);
        }
        return main.build();
    }

    private SearchResult search(SearchParams p, String text, float[] vectors, int n) {
        return text == null ? index.search(vectors, n, p) : index.search(text, vectors, n, p);
    }

    private static List<String> docIds(SearchResult r) {
        return r.hits().stream().map(SearchHit::docId).toList();
    }
}
