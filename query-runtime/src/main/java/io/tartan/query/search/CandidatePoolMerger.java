package io.tartan.query.search;

import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges the {@link CandidatePool}s of the partitions of one index version into the pool, and then the result, a
 * single node serving all of them computes: the union cut to the same top-N as the pools' own last approximate
 * stage, then stage 3's best {@code nexact} by centroid-only score and their best {@code k} by exact score (ties: the
 * smaller pid first, as {@link SearchResult#RANKING}). {@link #merge} is associative and commutative, as Spark's
 * {@code reduceByKey} needs; a pid in both pools (the same partition merged twice) is kept once.
 */
public final class CandidatePoolMerger {
    private CandidatePoolMerger() {
    }

    /** The pool of a node serving the documents of both pools. */
    public static CandidatePool merge(CandidatePool a, CandidatePool b) {
        if (a.version() != b.version() || a.k() != b.k() || a.ndocs() != b.ndocs() || a.nexact() != b.nexact()
                || a.pruning() != b.pruning() || a.ngroups() != b.ngroups()) {
            throw new IllegalArgumentException("merging candidate pools of different searches: " + describe(a)
                    + " and " + describe(b));
        }
        List<Entry> all = new ArrayList<>(a.size() + b.size());
        Set<Long> seen = new HashSet<>();
        for (CandidatePool pool : List.of(a, b)) {
            for (int i = 0; i < pool.size(); i++) {
                if (seen.add(pool.pids()[i])) {
                    all.add(new Entry(pool, i));
                }
            }
        }
        // the cut of the pools' last approximate stage: stage 2 (pruned score) if it ran, else stage 3
        all.sort(a.pruning() ? Entry::byPruned : Entry::byApprox);
        int size = Math.min(all.size(), a.pruning() ? a.ndocs() : a.nexact());
        long[] pids = new long[size];
        String[] ids = new String[size];
        float[] pruned = a.pruning() ? new float[size] : null;
        float[] approx = new float[size];
        float[] exact = new float[size];
        for (int i = 0; i < size; i++) {
            Entry e = all.get(i);
            pids[i] = e.pid();
            ids[i] = e.pool.docIds()[e.at];
            if (pruned != null) {
                pruned[i] = e.pool.prunedScores()[e.at];
            }
            approx[i] = e.approx();
            exact[i] = e.pool.exactScores()[e.at];
        }
        return new CandidatePool(a.version(), a.k(), a.ndocs(), a.nexact(), a.pruning(), a.ngroups(),
                a.candidates() + b.candidates(), pids, ids, pruned, approx, exact);
    }

    private static String describe(CandidatePool p) {
        return "v" + p.version() + " k " + p.k() + " ndocs " + p.ndocs() + " nexact " + p.nexact()
                + (p.pruning() ? " pruned" : "") + (p.ngroups() > 0 ? " ngroups " + p.ngroups() : "");
    }

    /** The merge of every pool (at least one). */
    public static CandidatePool merge(List<CandidatePool> pools) {
        if (pools.isEmpty()) {
            throw new IllegalArgumentException("no candidate pools to merge");
        }
        CandidatePool m = pools.get(0);
        for (int i = 1; i < pools.size(); i++) {
            m = merge(m, pools.get(i));
        }
        return m;
    }

    /**
     * The result of a pool that covers the whole index: its best {@code nexact} by centroid-only score, and of those
     * the best {@code k} by exact score.
     *
     * @throws IllegalStateException if one of those has no exact score (a pool not made by {@link Searcher})
     */
    public static SearchResult result(CandidatePool pool) {
        List<Entry> all = new ArrayList<>(pool.size());
        for (int i = 0; i < pool.size(); i++) {
            all.add(new Entry(pool, i));
        }
        all.sort(Entry::byApprox);
        List<Entry> exact = new ArrayList<>(all.subList(0, Math.min(all.size(), pool.nexact())));
        for (Entry e : exact) {
            if (Float.isNaN(e.exact())) {
                throw new IllegalStateException("candidate pool lacks the exact score of pid " + e.pid()
                        + ", which reaches stage 4");
            }
        }
        exact.sort(Entry::byExact);
        List<SearchHit> hits = new ArrayList<>(Math.min(pool.k(), exact.size()));
        for (Entry e : exact.subList(0, Math.min(pool.k(), exact.size()))) {
            hits.add(new SearchHit(e.pool.docIds()[e.at], e.pid(), e.exact()));
        }
        return new SearchResult(List.copyOf(hits), pool.version(), pool.candidates());
    }

    /** Entry {@code at} of {@code pool}; the orders are the query runtime's heaps': higher score, then smaller pid. */
    private record Entry(CandidatePool pool, int at) {
        long pid() {
            return pool.pids()[at];
        }

        float approx() {
            return pool.approxScores()[at];
        }

        float exact() {
            return pool.exactScores()[at];
        }

        static int byPruned(Entry x, Entry y) {
            return order(x.pool.prunedScores()[x.at], x.pid(), y.pool.prunedScores()[y.at], y.pid());
        }

        static int byApprox(Entry x, Entry y) {
            return order(x.approx(), x.pid(), y.approx(), y.pid());
        }

        static int byExact(Entry x, Entry y) {
            return order(x.exact(), x.pid(), y.exact(), y.pid());
        }

        /** Scores compared as {@link TopK} compares them ({@code 0.0 == -0.0}), so the orders agree exactly. */
        private static int order(float sx, long px, float sy, long py) {
            return sx > sy ? -1 : sx < sy ? 1 : Long.compare(px, py);
        }
    }
}
