package io.tartan.query.search;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.segment.ShardSlice;

import java.util.ArrayList;
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
        SearchParams.Resolved p = (params == null ? SearchParams.defaults() : params).resolve(k);
        QueryMatrix q = QueryMatrix.of(vectors, snap.dim());
        SearchScratch s = scratch(snap, q);
        float[] scores = s.centroidScores;
        kernels.centroidScores(q.transposed(), q.nqPad(), snap.centroids(), snap.numCentroids(), snap.dim(), scores);
        int candidates = CellProbe.candidates(kernels, snap, scores, q.nq(), q.nqPad(), p.ncells(), s);
        int count = candidates;
        if (p.pruning()) {
            // no more candidates than documents: a huge ndocs must not size the heap by itself
            int ndocs = Math.min(p.ndocs(), Math.max(1, snap.numDocs()));
            count = CentroidPruningFilter.filter(kernels, snap, scores, q.nq(), q.nqPad(), p.threshold(), ndocs, count, s);
        }
        count = CentroidRanker.rank(kernels, snap, scores, q.nqPad(), p.nexact(), count, s);
        ExactScorer exact = new ExactScorer(kernels, snap, q, scores, s.residualTable, s.max);
        TopK top = s.topK.reset(Math.min(k, Math.max(1, snap.numDocs())));
        exact.rank(s.candidates, count, top);
        return result(snap, top, candidates);
    }

    /** Exact MaxSim (over the decompressed index) of every live document; the ground truth for the index. */
    public SearchResult exhaustive(IndexSnapshot snap, float[] vectors, int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        ExactScorer exact = exactScorer(snap, QueryMatrix.of(vectors, snap.dim()));
        TopK top = new TopK(Math.min(k, Math.max(1, snap.numDocs())));
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

    private ExactScorer exactScorer(IndexSnapshot snap, QueryMatrix q) {
        SearchScratch s = scratch(snap, q);
        kernels.centroidScores(q.transposed(), q.nqPad(), snap.centroids(), snap.numCentroids(), snap.dim(),
                s.centroidScores);
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
