package io.tartan.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ranked hits of one query, best first (ties: smaller pid first).
 *
 * @param version    manifest version of the snapshot that answered
 * @param candidates documents the first stage produced (0 for exhaustive search and rerank)
 * @param partition  the partition that answered ({@link Partition#WHOLE} for a whole index or a merged result)
 */
public record SearchResult(List<SearchHit> hits, long version, int candidates, Partition partition) {
    /** Best first, ties by pid: the order every result is in, and the order {@link #merge} keeps. */
    public static final Comparator<SearchHit> RANKING = Comparator.comparing(SearchHit::score, Comparator.reverseOrder())
            .thenComparingLong(SearchHit::pid);

    public SearchResult {
        if (partition == null) {
            partition = Partition.WHOLE;
        }
    }

    /** A result of a whole index. */
    public SearchResult(List<SearchHit> hits, long version, int candidates) {
        this(hits, version, candidates, Partition.WHOLE);
    }

    /**
     * The top {@code k} of the results of several partitions of one index version, as a router merges them. Partitions
     * hold disjoint documents and score them exactly as a single node does, so merging their exact
     * ({@link TartanIndex#searchExact}) results gives the single-node exact result.
     *
     * @throws IllegalArgumentException if the parts answered from different versions
     */
    public static SearchResult merge(List<SearchResult> parts, int k) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        long version = parts.get(0).version();
        List<SearchHit> all = new ArrayList<>();
        int candidates = 0;
        for (SearchResult r : parts) {
            if (r.version() != version) {
                throw new IllegalArgumentException("partitions answered from versions " + version + " and " + r.version());
            }
            all.addAll(r.hits());
            candidates += r.candidates();
        }
        all.sort(RANKING);
        return new SearchResult(List.copyOf(all.subList(0, Math.min(k, all.size()))), version, candidates);
    }
}
