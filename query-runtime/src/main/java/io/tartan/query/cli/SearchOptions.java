package io.tartan.query.cli;

import io.tartan.query.SearchParams;
import picocli.CommandLine.Option;

/** The search knobs shared by {@code tartan search} and {@code tartan serve} (defaults for requests). */
public final class SearchOptions {
    @Option(names = "--mode", description = "fast (default) or plaid (ColBERT's PLAID, faithfully)", defaultValue = "fast")
    String mode;

    @Option(names = "--ncells", description = "cells probed per query token (default: from k and mode)")
    Integer ncells;

    @Option(names = "--centroid-score-threshold", description = "PLAID stage-2 pruning threshold (default: from k and mode)")
    Float centroidScoreThreshold;

    @Option(names = "--ndocs", description = "candidates kept after stage 2; stage 3 keeps ndocs/4 (default: from k and mode)")
    Integer ndocs;

    public SearchParams params() {
        SearchParams.Mode m = switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "fast" -> SearchParams.Mode.FAST;
            case "plaid" -> SearchParams.Mode.PLAID;
            default -> throw new IllegalArgumentException("--mode must be fast or plaid, got " + mode);
        };
        return new SearchParams(m, ncells, centroidScoreThreshold, ndocs);
    }
}
