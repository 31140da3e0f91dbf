package io.tartan.query;

/**
 * Per-request search knobs. A null field takes the default of the {@link Mode} for the requested k.
 *
 * <ul>
 *   <li>{@link Mode#PLAID}: ColBERT's PLAID, faithfully: k ≤ 10 → ncells 1, centroid_score_threshold 0.5, ndocs 256;
 *       k ≤ 100 → 2 / 0.45 / 1024; else 4 / 0.4 / max(4k, 4096). Stage 2 prunes tokens of low-scoring centroids and
 *       keeps ndocs, stage 3 keeps ndocs/4, stage 4 scores those exactly.</li>
 *   <li>{@link Mode#FAST} (default): probes more cells, skips threshold pruning unless a threshold is given, ranks
 *       every candidate by centroid-only MaxSim and scores the best ndocs/4 exactly from residual lookup tables.</li>
 * </ul>
 *
 * @param ncells                 cells (centroids) probed per query token
 * @param centroidScoreThreshold stage-2 pruning threshold; in FAST mode null means no pruning stage
 * @param ndocs                  candidates kept after stage 2; stage 3 keeps ndocs/4 (at least k) for exact scoring
 */
public record SearchParams(Mode mode, Integer ncells, Float centroidScoreThreshold, Integer ndocs) {
    public enum Mode { PLAID, FAST }

    public SearchParams {
        if (mode == null) {
            mode = Mode.FAST;
        }
        if (ncells != null && ncells <= 0) {
            throw new IllegalArgumentException("ncells must be positive, got " + ncells);
        }
        if (ndocs != null && ndocs <= 0) {
            throw new IllegalArgumentException("ndocs must be positive, got " + ndocs);
        }
        if (centroidScoreThreshold != null && !Float.isFinite(centroidScoreThreshold)) {
            throw new IllegalArgumentException("centroid_score_threshold must be finite, got " + centroidScoreThreshold);
        }
    }

    /** The fast default. */
    public static SearchParams defaults() {
        return new SearchParams(Mode.FAST, null, null, null);
    }

    /** ColBERT's PLAID with its defaults for k. */
    public static SearchParams plaid() {
        return new SearchParams(Mode.PLAID, null, null, null);
    }

    public SearchParams withNcells(Integer n) {
        return new SearchParams(mode, n, centroidScoreThreshold, ndocs);
    }

    public SearchParams withCentroidScoreThreshold(Float t) {
        return new SearchParams(mode, ncells, t, ndocs);
    }

    public SearchParams withNdocs(Integer n) {
        return new SearchParams(mode, ncells, centroidScoreThreshold, n);
    }

    /** Concrete values for a request of {@code k} results. {@code threshold} is NaN when no pruning stage runs. */
    public Resolved resolve(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        int defCells;
        float defThreshold;
        int defNdocs;
        if (mode == Mode.PLAID) {
            defCells = k <= 10 ? 1 : k <= 100 ? 2 : 4;
            defThreshold = k <= 10 ? 0.5f : k <= 100 ? 0.45f : 0.4f;
            defNdocs = k <= 10 ? 256 : k <= 100 ? 1024 : Math.max(4 * k, 4096);
        } else {
            defCells = k <= 10 ? FAST_NCELLS : k <= 100 ? 2 * FAST_NCELLS : 4 * FAST_NCELLS;
            defThreshold = Float.NaN;
            defNdocs = Math.max(FAST_NDOCS, 16 * k);
        }
        int n = ndocs != null ? ndocs : defNdocs;
        float t = centroidScoreThreshold != null ? centroidScoreThreshold : defThreshold;
        return new Resolved(ncells != null ? ncells : defCells, t, n, Math.max(k, n / 4));
    }

    /** Defaults of FAST mode for k ≤ 10, chosen from the recall/latency curve in docs/bench/query-runtime.md. */
    static final int FAST_NCELLS = 4;
    static final int FAST_NDOCS = 256;

    /**
     * @param nexact documents scored exactly in stage 4
     */
    public record Resolved(int ncells, float threshold, int ndocs, int nexact) {
        public boolean pruning() {
            return !Float.isNaN(threshold);
        }
    }
}
