package io.tartan.query;

import io.tartan.query.search.CandidatePool;
import io.tartan.query.search.CandidatePoolMerger;
import io.tartan.query.text.Fusion;
import io.tartan.query.text.Ranked;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one partition contributes to a {@code rerank} or {@code hybrid} search, so that {@link #merge} gives exactly
 * the result one node serving the whole index gives (ids and scores), where the partitions' own top-k lists cannot:
 * a partition reranks or fuses its own BM25 top {@code depth}, which need not be the index's, and RRF fuses by ranks
 * within the partition. The partition's BM25 scores must use the whole index's statistics
 * ({@link io.tartan.query.text.Bm25Statistics}) for its list to merge into the index's.
 *
 * <p>A pool holds the partition's BM25 top {@code depth} and, for rerank, the exact MaxSim score of each of those
 * documents ({@code maxsim}); for hybrid, the dense part: the FAST {@link CandidatePool} for {@code depth} results
 * ({@code dense}), or, with a filter (which candidate pools do not take), the FAST top {@code depth} ({@code maxsim},
 * whose merge is then at least as good as one node's FAST but not always the same). Ties break by the smaller pid, as
 * one node breaks them by the smaller row (rows are in pid order).
 *
 * @param fusion hybrid's fusion (null for rerank)
 * @param alpha  hybrid's relative_score weight of MaxSim
 */
public record TextPool(long version, SearchParams.Mode mode, int depth, Fusion fusion, float alpha, SearchResult bm25,
        SearchResult maxsim, CandidatePool dense) {

    public TextPool {
        if (mode != SearchParams.Mode.RERANK && mode != SearchParams.Mode.HYBRID) {
            throw new IllegalArgumentException("text pools are for the rerank and hybrid modes, not " + mode);
        }
        if ((mode == SearchParams.Mode.RERANK) != (fusion == null) || (maxsim == null) == (dense == null)) {
            throw new IllegalArgumentException("a " + mode + " text pool needs " + (mode == SearchParams.Mode.RERANK
                    ? "exact scores and no fusion" : "a fusion and one dense part (a candidate pool or a list)"));
        }
    }

    /**
     * The result one node serving all of the pools' partitions gives, best {@code k}.
     *
     * @throws IllegalArgumentException when the pools are of different versions or settings
     */
    public static SearchResult merge(List<TextPool> pools, int k) {
        if (pools.isEmpty()) {
            throw new IllegalArgumentException("no text pools to merge");
        }
        TextPool first = pools.get(0);
        for (TextPool p : pools) {
            if (p.version != first.version || p.mode != first.mode || p.depth != first.depth || p.fusion != first.fusion
                    || Float.compare(p.alpha, first.alpha) != 0 || (p.dense == null) != (first.dense == null)) {
                throw new IllegalArgumentException("text pools of different versions or settings: " + first.describe()
                        + " and " + p.describe());
            }
        }
        List<SearchHit> bm25 = top(pools.stream().map(TextPool::bm25).toList(), first.depth);
        if (first.mode == SearchParams.Mode.RERANK) {
            Map<Long, SearchHit> exact = new HashMap<>();
            pools.forEach(p -> p.maxsim.hits().forEach(h -> exact.put(h.pid(), h)));
            List<SearchHit> out = new ArrayList<>(bm25.size());
            for (SearchHit h : bm25) {
                SearchHit e = exact.get(h.pid());
                if (e == null) {
                    throw new IllegalArgumentException("a rerank pool lacks the exact score of pid " + h.pid());
                }
                out.add(e);
            }
            out.sort(SearchResult.RANKING);
            return new SearchResult(List.copyOf(out.subList(0, Math.min(k, out.size()))), first.version, bm25.size());
        }
        SearchResult dense = first.dense != null
                ? CandidatePoolMerger.result(CandidatePoolMerger.merge(pools.stream().map(TextPool::dense).toList()))
                : new SearchResult(top(pools.stream().map(TextPool::maxsim).toList(), first.depth), first.version, 0);
        // Fusion ranks rows and breaks ties by the smaller row; the pids' order stands in for the rows'
        Map<Long, SearchHit> byPid = new HashMap<>();
        dense.hits().forEach(h -> byPid.put(h.pid(), h));
        bm25.forEach(h -> byPid.putIfAbsent(h.pid(), h));
        long[] pids = byPid.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        Map<Long, Integer> rank = new HashMap<>();
        for (int i = 0; i < pids.length; i++) {
            rank.put(pids[i], i);
        }
        Ranked fused = first.fusion.fuse(ranked(dense.hits(), rank), ranked(bm25, rank), first.alpha, k);
        List<SearchHit> out = new ArrayList<>(fused.size());
        for (int i = 0; i < fused.size(); i++) {
            long pid = pids[fused.rows()[i]];
            out.add(new SearchHit(byPid.get(pid).docId(), pid, fused.scores()[i]));
        }
        return new SearchResult(out, first.version, dense.candidates() + bm25.size());
    }

    /** The best {@code n} of the lists' hits by score, then pid. */
    private static List<SearchHit> top(List<SearchResult> lists, int n) {
        List<SearchHit> all = new ArrayList<>();
        lists.forEach(r -> all.addAll(r.hits()));
        all.sort(SearchResult.RANKING);
        return all.subList(0, Math.min(n, all.size()));
    }

    private static Ranked ranked(List<SearchHit> hits, Map<Long, Integer> rank) {
        int[] rows = new int[hits.size()];
        float[] scores = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = rank.get(hits.get(i).pid());
            scores[i] = hits.get(i).score();
        }
        return new Ranked(rows, scores);
    }

    private String describe() {
        return "v" + version + " " + mode.label() + " depth " + depth + (fusion == null ? "" : " " + fusion.label() + " alpha " + alpha)
                + (dense != null ? " with a candidate pool" : "");
    }
}
