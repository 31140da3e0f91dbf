package io.tartan.query.search;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.segment.ShardSlice;
import io.tartan.query.text.Ranked;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Runs queries against one {@link IndexSnapshot}: PLAID's four stages ({@link CellProbe}, {@link
 * CentroidPruningFilter} (skipped in FAST mode unless a threshold is given), {@link CentroidRanker}, {@link
 * ExactScorer}), exhaustive exact search, and rerank.
 * Stateless apart from per-thread scratch memory: safe to call from any number of threads.
 */
public final class Searcher {
    private final LateInteractionKernels kernels;

    public Searcher() {
        this(InteractionKernels.get());
    }

    public Searcher(LateInteractionKernels kernels) {
        this.kernels = kernels;
    }

    public LateInteractionKernels kernels() {
        return kernels;
    }

    /** PLAID search for the top {@code k} documents. */
    public SearchResult search(IndexSnapshot snap, float[] vectors, int k, SearchParams params) {
        return search(snap, vectors, k, params, null);
    }

    /**
     * PLAID search restricted to {@code allowed} rows (a metadata filter; null: every live row). The filter applies
     * to the probed candidates before any scoring; when it allows no more documents than ndocs, or the probed cells
     * hold fewer than k allowed ones, every allowed document is scored exactly instead, so a selective filter never
     * returns fewer than k results while k exist; when it allows no more documents than the probe found, every
     * allowed document is a candidate (ranked and scored like probed ones).
     */
    public SearchResult search(IndexSnapshot snap, float[] vectors, int k, SearchParams params, BitSet allowed) {
        return search(snap, vectors, k, params, allowed, StageTimes.OFF);
    }

    /** {@link #search(IndexSnapshot, float[], int, SearchParams, BitSet)}, charging each stage's time to {@code times}. */
    public SearchResult search(IndexSnapshot snap, float[] vectors, int k, SearchParams params, BitSet allowed,
            StageTimes times) {
        times.start();
        SearchParams.Resolved p = (params == null ? SearchParams.defaults() : params).resolve(k, snap.numCentroids());
        int allowedCount = allowed == null ? -1 : allowed.cardinality();
        if (allowed != null && allowedCount <= p.ndocs()) {
            return exhaustive(snap, vectors, k, allowed);
        }
        QueryMatrix q = QueryMatrix.of(vectors, snap.dim());
        SearchScratch s = scratch(snap, q);
        float[] scores = s.centroidScores;
        CoarseCentroidScores coarse = coarse(p, q);
        times.lap(StageTimes.Stage.QUERY);
        int candidates = probe(snap, q, p, coarse, s, times);
        if (allowed != null && allowedCount <= candidates) {
            // The filter allows no more documents than the probe found: rank every allowed one. That is no more
            // work than ranking the probed candidates, and misses none of the allowed set's best, which under a
            // selective filter are often weaker matches whose tokens lie outside the probed cells.
            candidates = 0;
            for (int row = allowed.nextSetBit(0); row >= 0; row = allowed.nextSetBit(row + 1)) {
                s.candidates[candidates++] = row;
            }
        } else if (allowed != null) {
            int kept = 0;
            for (int i = 0; i < candidates; i++) {
                if (allowed.get(s.candidates[i])) {
                    s.candidates[kept++] = s.candidates[i];
                }
            }
            if (kept < k) {
                return exhaustive(snap, vectors, k, allowed);
            }
            candidates = kept;
        }
        int count = candidates;
        if (p.pruning()) {
            // no more candidates than documents: a huge ndocs must not size the heap by itself
            int ndocs = atMostDocs(snap, p.ndocs());
            count = CentroidPruningFilter.filter(kernels, snap, scores, q.nq(), q.nqPad(), p.threshold(), ndocs, count, s);
        }
        times.lap(StageTimes.Stage.PRUNE);
        boolean int8 = int8Table(params);
        if (coarse == null) {
            count = CentroidRanker.rank(kernels, snap, scores, q.nqPad(), p.nexact(), count, int8, s, times);
        } else {
            if (count > p.nexact()) {
                coarse.int8Table(kernels, s);
                times.lap(StageTimes.Stage.RANK_TABLE);
                count = CentroidRanker.rankInt8(kernels, snap, p.nexact(), count, s, times);
            }
            coarse.exactRows(kernels, snap, q, s.candidates, count, s);
        }
        ExactScorer exact = new ExactScorer(kernels, snap, q, scores, s.residualTable, s.max);
        times.lap(StageTimes.Stage.EXACT_TABLE);
        TopK top = s.topK.reset(atMostDocs(snap, k));
        exact.rank(s.candidates, count, top);
        times.lap(StageTimes.Stage.EXACT);
        SearchResult r = result(snap, top, candidates);
        times.lap(StageTimes.Stage.RESULT);
        return r;
    }

    /**
     * This snapshot's (typically one partition's) share of a PLAID or FAST search for the top {@code k}, to be merged
     * with the other partitions' by {@link CandidatePoolMerger} into exactly the single node's result. Partitions
     * share the centroids, so stage 1 probes the same cells everywhere and the single node's candidates are the
     * union of the partitions'. Each later stage keeps a top-N by a score that does not depend on the other
     * documents, so the single node's survivors that lie in this partition are among this partition's survivors:
     * <ul>
     *   <li>without pruning: the pool is this partition's best {@code nexact} by centroid-only score, all scored
     *       exactly;</li>
     *   <li>with pruning: the pool is this partition's best {@code ndocs} by pruned score, each with its
     *       centroid-only score. Which of them the single node ranks into its best {@code nexact} depends on the other
     *       partitions, so an entry is scored exactly unless {@code nexact} entries of this pool beat it in both
     *       orders: those are all kept by the single node's stage 2 whenever it is, and would push it out of stage
     *       3.</li>
     * </ul>
     * With {@code ngroups}, the expansion, the estimates and the int8 table's step depend on the query and the shared
     * centroids only, so stage 3's scores are the same on every partition; the pool's rows are scored exactly.
     * No metadata filter: which stages a filtered search runs depends on counts over the whole index (allowed rows
     * against ndocs and against the candidates, allowed candidates against k), which one partition does not know.
     */
    public CandidatePool candidatePool(IndexSnapshot snap, float[] vectors, int k, SearchParams params) {
        SearchParams.Resolved p = (params == null ? SearchParams.defaults() : params).resolve(k, snap.numCentroids());
        QueryMatrix q = QueryMatrix.of(vectors, snap.dim());
        SearchScratch s = scratch(snap, q);
        float[] scores = s.centroidScores;
        // ngroups: the groups, each token's expansion and the int8 table's step depend on the query and the codec
        // only, which every partition shares, so a document's stage-3 score is the same on any partition
        CoarseCentroidScores coarse = coarse(p, q);
        int candidates = probe(snap, q, p, coarse, s, StageTimes.OFF);
        int count = candidates;
        float[] pruned = null;
        if (p.pruning()) {
            count = CentroidPruningFilter.filter(kernels, snap, scores, q.nq(), q.nqPad(), p.threshold(),
                    atMostDocs(snap, p.ndocs()), count, s);
            pruned = new float[count];
            s.topK.copyScores(pruned);
        }
        boolean int8 = int8Table(params);
        int[] rows = Arrays.copyOf(s.candidates, count);
        float[] approx = new float[count];
        if (coarse != null) {
            coarse.int8Table(kernels, s);
            CentroidRanker.scoreInt8(kernels, snap, s, rows, count, null, approx);
        } else {
            CentroidRanker.scores(kernels, snap, scores, q.nqPad(), rows, count, int8, s, approx);
        }
        if (!p.pruning() && count > p.nexact()) {
            TopK top = s.topK.reset(p.nexact());
            for (int j = 0; j < count; j++) {
                top.offer(rows[j], approx[j]);
            }
            count = top.copyRows(rows);
            top.copyScores(approx);
            rows = Arrays.copyOf(rows, count);
            approx = Arrays.copyOf(approx, count);
        }
        if (coarse != null) {
            coarse.exactRows(kernels, snap, q, rows, count, s);
        }
        ExactScorer exact = new ExactScorer(kernels, snap, q, scores, s.residualTable, s.max);
        boolean[] reach = pruned == null ? null : reachStageFour(rows, pruned, approx, p.nexact());
        long[] pids = new long[count];
        String[] ids = new String[count];
        float[] exactScores = new float[count];
        for (int j = 0; j < count; j++) {
            pids[j] = snap.pid(rows[j]);
            if (reach == null || reach[j]) {
                ids[j] = snap.docId(rows[j]);
                exactScores[j] = exact.score(rows[j]);
            } else {
                exactScores[j] = Float.NaN;
            }
        }
        return new CandidatePool(snap.version(), k, p.ndocs(), p.nexact(), p.pruning(),
                coarse != null ? p.ngroups() : 0, candidates, pids, ids, pruned, approx, exactScores);
    }

    /**
     * The per-token coarse level when the search asks for it ({@code ngroups} > 0; a PLAID search and pruning resolve
     * it to 0) and the query fits its 32-column table; null: every centroid is scored.
     */
    private static CoarseCentroidScores coarse(SearchParams.Resolved p, QueryMatrix q) {
        return p.ngroups() > 0 && q.nqPad() == CoarseCentroidScores.NQ_PAD ? CoarseCentroidScores.get() : null;
    }

    /**
     * Stage 1 and the probe: the centroid scores (each token against its own expanded groups with {@code coarse},
     * else every centroid into {@code s.centroidScores}) and the candidates of the probed cells into {@code
     * s.candidates}; returns their count.
     */
    private int probe(IndexSnapshot snap, QueryMatrix q, SearchParams.Resolved p, CoarseCentroidScores coarse,
            SearchScratch s, StageTimes times) {
        if (coarse != null) {
            int probes = coarse.probe(kernels, snap.centroidGroups(), q, p.ngroups(), p.ncells(), s, times);
            return CellProbe.fromCells(snap, probes, s, times);
        }
        kernels.centroidScores(q.transposed(), q.nqPad(), snap.centroidBlocks(kernels), s.centroidScores);
        times.lap(StageTimes.Stage.CENTROID_SCORES);
        return CellProbe.candidates(kernels, snap, s.centroidScores, q.nq(), q.nqPad(), p.ncells(), s, times);
    }

    /**
     * Which entries fewer than {@code nexact} others beat in both pruned and centroid-only score (ties: smaller row,
     * which is pid order): taken in pruned order, those an {@code nexact}-heap of centroid-only scores admits.
     */
    private static boolean[] reachStageFour(int[] rows, float[] pruned, float[] approx, int nexact) {
        Integer[] order = new Integer[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> pruned[a] != pruned[b] ? Float.compare(pruned[b], pruned[a])
                : Integer.compare(rows[a], rows[b]));
        TopK best = new TopK(nexact);
        boolean[] reach = new boolean[rows.length];
        for (int i : order) {
            reach[i] = best.offer(rows[i], approx[i]);
        }
        return reach;
    }

    /** Stage 3's table: int8 for FAST; PLAID keeps the bfloat16 table it was measured with against the reference. */
    private static boolean int8Table(SearchParams params) {
        return params == null || params.mode() == SearchParams.Mode.FAST;
    }

    /** {@code n} (a k or an ndocs) capped at the documents served, at least 1: sizes a heap, however big n is. */
    private static int atMostDocs(IndexSnapshot snap, int n) {
        return Math.min(n, Math.max(1, snap.numDocs()));
    }

    /** Exact MaxSim (over the decompressed index) of every live document; the ground truth for the index. */
    public SearchResult exhaustive(IndexSnapshot snap, float[] vectors, int k) {
        return exhaustive(snap, vectors, k, null);
    }

    /** Exact MaxSim of every allowed row (null: every live row). */
    public SearchResult exhaustive(IndexSnapshot snap, float[] vectors, int k, BitSet allowed) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        ExactScorer exact = exactScorer(snap, QueryMatrix.of(vectors, snap.dim()));
        TopK top = new TopK(atMostDocs(snap, k));
        if (allowed != null) {
            for (int row = allowed.nextSetBit(0); row >= 0; row = allowed.nextSetBit(row + 1)) {
                top.offer(row, exact.score(row));
            }
            return result(snap, top, 0);
        }
        for (int i = 0; i < snap.numSlices(); i++) {
            ShardSlice sl = snap.slice(i);
            for (int local = sl.from(); local < sl.to(); local++) {
                if (sl.isLive(local)) {
                    int row = sl.base() + local - sl.from();
                    top.offer(row, exact.score(row));
                }
            }
        }
        return result(snap, top, 0);
    }

    /**
     * Exact MaxSim scores of the given documents, best first. Ids that are unknown or deleted in this snapshot are
     * left out; a repeated id appears once.
     */
    public SearchResult rerank(IndexSnapshot snap, float[] vectors, List<String> docIds) {
        ExactScorer exact = exactScorer(snap, QueryMatrix.of(vectors, snap.dim()));
        TopK top = new TopK(Math.max(1, docIds.size()));
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (String id : docIds) {
            int row = snap.rowOf(id);
            if (row >= 0 && seen.add(row)) {
                top.offer(row, exact.score(row));
            }
        }
        return result(snap, top, 0);
    }

    /** Exact MaxSim of the given rows, best first. */
    public Ranked score(IndexSnapshot snap, float[] vectors, int[] rows) {
        ExactScorer exact = exactScorer(snap, QueryMatrix.of(vectors, snap.dim()));
        Ranked.Builder top = new Ranked.Builder(rows.length);
        for (int row : rows) {
            top.offer(row, exact.score(row));
        }
        return top.build();
    }

    /** A ranking as a result: rows become ids and pids. */
    public static SearchResult result(IndexSnapshot snap, Ranked r, int candidates) {
        List<SearchHit> hits = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            hits.add(new SearchHit(snap.docId(r.rows()[i]), snap.pid(r.rows()[i]), r.scores()[i]));
        }
        return new SearchResult(hits, snap.version(), candidates, snap.partition());
    }

    /** The rows of a result (hits map back to rows through their ids). */
    public static Ranked ranked(IndexSnapshot snap, SearchResult r) {
        int[] rows = new int[r.hits().size()];
        float[] scores = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = snap.rowOf(r.hits().get(i).docId());
            scores[i] = r.hits().get(i).score();
        }
        return new Ranked(rows, scores);
    }

    private ExactScorer exactScorer(IndexSnapshot snap, QueryMatrix q) {
        SearchScratch s = scratch(snap, q);
        kernels.centroidScores(q.transposed(), q.nqPad(), snap.centroidBlocks(kernels), s.centroidScores);
        return new ExactScorer(kernels, snap, q, s.centroidScores, s.residualTable, s.max);
    }

    private static SearchScratch scratch(IndexSnapshot snap, QueryMatrix q) {
        return SearchScratch.get(snap.numRows(), snap.numCentroids(), q.nqPad(), ExactScorer.tableFloats(snap, q.nqPad()));
    }

    private static SearchResult result(IndexSnapshot snap, TopK top, int candidates) {
        float[] scores = new float[top.size()];
        int[] rows = top.sortedRows(scores);
        List<SearchHit> hits = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            hits.add(new SearchHit(snap.docId(rows[i]), snap.pid(rows[i]), scores[i]));
        }
        return new SearchResult(hits, snap.version(), candidates, snap.partition());
    }
}
