package io.tartan.jobs.search;

import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;

import java.util.Locale;

/** The query runtime's search entry points a batch can run: its two PLAID variants and exhaustive exact MaxSim. */
public enum SearchMode {
    /** {@link SearchParams.Mode#FAST}, the runtime's default. */
    FAST,
    /** ColBERT's PLAID, faithfully ({@link SearchParams.Mode#PLAID}). */
    PLAID,
    /** Exact MaxSim over every live document ({@link TartanIndex#searchExact}); ignores ncells/ndocs/threshold. */
    EXACT;

    public static SearchMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode must be fast, plaid or exact, got '" + s + "'");
        }
    }

    /** The runtime's parameters for this mode with the given overrides (null: the mode's default for k). */
    public SearchParams params(SearchOverrides o) {
        return new SearchParams(this == PLAID ? SearchParams.Mode.PLAID : SearchParams.Mode.FAST, o.ncells(),
                o.centroidScoreThreshold(), o.ndocs()).withNgroups(o.ngroups());
    }

    public SearchResult search(TartanIndex index, float[] query, int k, SearchParams params) {
        return this == EXACT ? index.searchExact(query, k) : index.search(query, k, params);
    }

    /**
     * Whether one index partition's top-k lists merge to the whole index's top-k. Exact MaxSim scores each document
     * on its own, so they do; FAST and PLAID cut to the best candidates by approximate scores compared across the
     * whole index, so partitions must send their candidate pools instead ({@link QueryPool}).
     */
    public boolean topKListsMerge() {
        return this == EXACT;
    }
}
