package io.tartan.jobs.search;

import io.tartan.query.SearchParams;

import java.io.Serializable;

/**
 * A search batch's overrides of the mode's defaults for k, shipped with every task (the runtime's {@link
 * SearchParams} is not Serializable). Each null is the mode's default; the names are {@link SearchParams}'.
 */
public record SearchOverrides(Integer ncells, Float centroidScoreThreshold, Integer ndocs, Integer ngroups)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Every setting at the mode's default. */
    public static final SearchOverrides NONE = new SearchOverrides(null, null, null, null);
}
