package io.tartan.query.cli;

import io.tartan.query.text.Fusion;

import io.tartan.query.SearchParams;
import picocli.CommandLine.Option;

/** The search knobs shared by {@code tartan search} and {@code tartan serve} (defaults for requests). */
public final class SearchOptions {
    @Option(names = "--mode", description = "fast (default), plaid (ColBERT's PLAID, faithfully), exact (exhaustive "
            + "MaxSim), bm25, rerank (BM25 top --depth rescored by exact MaxSim), hybrid (MaxSim and BM25 fused)",
            defaultValue = "fast")
    String mode;

    @Option(names = "--filter", description = "metadata filter, e.g. 'lang = \"en\" AND year >= 2020' (README \"Filters\")")
    String filter;

    @Option(names = "--fusion", description = "hybrid fusion: rrf (default) or relative_score")
    String fusion;

    @Option(names = "--alpha", description = "weight of MaxSim in relative_score fusion, 0..1 (default 0.75)")
    Float alpha;

    @Option(names = "--depth", description = "BM25 candidates for rerank, candidates per list for hybrid (default 200)")
    Integer depth;

    @Option(names = "--ncells", description = "cells probed per query token (default: from k and mode)")
    Integer ncells;

    @Option(names = "--centroid-score-threshold", description = "PLAID stage-2 pruning threshold (default: from k and mode)")
    Float centroidScoreThreshold;

    @Option(names = "--ndocs", description = "candidates kept after stage 2; stage 3 keeps ndocs/4 (default: from k and mode)")
    Integer ndocs;

    @Option(names = "--ngroups", description = "FAST: coarse centroid groups expanded per query token, 0 scores every "
            + "centroid (default: from the index)")
    Integer ngroups;

    public SearchParams params() {
        return new SearchParams(SearchParams.Mode.parse(mode), ncells, centroidScoreThreshold, ndocs,
                fusion == null ? null : Fusion.parse(fusion), alpha, depth, filter, ngroups);
    }
}
