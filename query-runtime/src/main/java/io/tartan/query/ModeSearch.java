package io.tartan.query;

import io.tartan.query.search.Searcher;
import io.tartan.query.text.AllowedRows;
import io.tartan.query.text.Bm25Search;
import io.tartan.query.text.Bm25Statistics;
import io.tartan.query.text.Ranked;

import java.util.BitSet;
import java.util.function.Supplier;

/**
 * Runs one request in its {@link SearchParams.Mode}: MaxSim (fast, plaid, exact), BM25, BM25 → exact MaxSim
 * rerank, or MaxSim and BM25 fused; the metadata filter, when given, narrows the allowed rows of every mode before
 * any candidate is scored. Deleted rows are never allowed.
 */
final class ModeSearch {
    private ModeSearch() {
    }

    /**
     * @param text    the query text; needed by the BM25 modes, may be null otherwise
     * @param vectors the query vectors, asked for only by the MaxSim modes (encoding costs; BM25 skips it)
     * @param stats   the BM25 statistics to score with (the whole index's, sent to a partition), or null for the
     *                snapshot's own
     */
    static SearchResult run(Searcher searcher, IndexSnapshot snap, String text, Supplier<float[]> vectors, int k,
            SearchParams params, Bm25Statistics stats) {
        SearchParams p = checked(snap, text, k, params, stats);
        BitSet allowed = p.filter() == null ? null : AllowedRows.matching(snap, snap.textIndexes(), p.filter());
        BitSet textAllowed = allowed != null ? allowed : p.mode().needsText() ? snap.liveRows() : null;
        int depth = Math.max(k, p.depthOrDefault());
        switch (p.mode()) {
            case PLAID:
            case FAST:
                return searcher.search(snap, vectors.get(), k, p, allowed);
            case EXACT:
                return searcher.exhaustive(snap, vectors.get(), k, allowed);
            case BM25:
                return Searcher.result(snap, Bm25Search.search(snap.textIndexes(), text, k, textAllowed, stats), 0);
            case RERANK: {
                Ranked bm25 = Bm25Search.search(snap.textIndexes(), text, depth, textAllowed, stats);
                Ranked exact = searcher.score(snap, vectors.get(), bm25.rows());
                return Searcher.result(snap, top(exact, k), bm25.size());
            }
            case HYBRID: {
                Ranked bm25 = Bm25Search.search(snap.textIndexes(), text, depth, textAllowed, stats);
                SearchResult dense = searcher.search(snap, vectors.get(), depth, p.withMode(SearchParams.Mode.FAST),
                        allowed);
                Ranked fused = p.fusion().fuse(Searcher.ranked(snap, dense), bm25, p.alphaOrDefault(), k);
                return Searcher.result(snap, fused, dense.candidates() + bm25.size());
            }
            default:
                throw new IllegalStateException("mode " + p.mode());
        }
    }

    /**
     * This partition's {@link TextPool} for a rerank or hybrid search: the same lists {@link #run} ranks or fuses, before
     * the cut to k, so the pools of all partitions merge to one node's result.
     */
    static TextPool textPool(Searcher searcher, IndexSnapshot snap, String text, float[] vectors, int k,
            SearchParams params, Bm25Statistics stats) {
        SearchParams p = checked(snap, text, k, params, stats);
        if (p.mode() != SearchParams.Mode.RERANK && p.mode() != SearchParams.Mode.HYBRID) {
            throw new IllegalArgumentException("text pools are for the rerank and hybrid modes, not " + p.mode().label());
        }
        BitSet allowed = p.filter() == null ? null : AllowedRows.matching(snap, snap.textIndexes(), p.filter());
        int depth = Math.max(k, p.depthOrDefault());
        Ranked bm25 = Bm25Search.search(snap.textIndexes(), text, depth, allowed != null ? allowed : snap.liveRows(), stats);
        SearchResult bm25List = Searcher.result(snap, bm25, 0);
        if (p.mode() == SearchParams.Mode.RERANK) {
            return new TextPool(snap.version(), p.mode(), depth, null, 0, bm25List,
                    Searcher.result(snap, searcher.score(snap, vectors, bm25.rows()), 0), null);
        }
        SearchParams fast = p.withMode(SearchParams.Mode.FAST);
        return allowed == null
                ? new TextPool(snap.version(), p.mode(), depth, p.fusion(), p.alphaOrDefault(), bm25List, null,
                        searcher.candidatePool(snap, vectors, depth, fast))
                : new TextPool(snap.version(), p.mode(), depth, p.fusion(), p.alphaOrDefault(), bm25List,
                        searcher.search(snap, vectors, depth, fast, allowed), null);
    }

    private static SearchParams checked(IndexSnapshot snap, String text, int k, SearchParams params, Bm25Statistics stats) {
        SearchParams p = params == null ? SearchParams.defaults() : params;
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        if (stats != null && stats.version() != snap.version()) {
            throw new IllegalArgumentException("BM25 statistics of version " + stats.version() + " sent to a snapshot of"
                    + " version " + snap.version());
        }
        if (p.mode().needsText() && (text == null || text.isBlank())) {
            throw new IllegalArgumentException("mode " + p.mode().label() + " needs query text (BM25); these are "
                    + "query vectors only");
        }
        return p;
    }

    private static Ranked top(Ranked r, int k) {
        if (r.size() <= k) {
            return r;
        }
        return new Ranked(java.util.Arrays.copyOf(r.rows(), k), java.util.Arrays.copyOf(r.scores(), k));
    }
}
