package io.tartan.query;

import io.tartan.query.text.Fusion;

/**
 * Per-request search knobs. A null field takes the default of the {@link Mode} for the requested k.
 *
 * <ul>
 *   <li>{@link Mode#PLAID}: ColBERT's PLAID, faithfully: k ≤ 10 → ncells 1, centroid_score_threshold 0.5, ndocs 256;
 *       k ≤ 100 → 2 / 0.45 / 1024; else 4 / 0.4 / max(4k, 4096). Stage 2 prunes tokens of low-scoring centroids and
 *       keeps ndocs, stage 3 keeps ndocs/4, stage 4 scores those exactly.</li>
 *   <li>{@link Mode#FAST} (default): probes more cells, skips threshold pruning unless a threshold is given, ranks
 *       every candidate by centroid-only MaxSim and scores the best ndocs/4 exactly from residual lookup tables.
 *       Its default ncells grows with the index's centroid count ({@link #fastNcells}), so it keeps its recall as the
 *       index grows.</li>
 * </ul>
 *
 * @param ncells                 cells (centroids) probed per query token
 * @param centroidScoreThreshold stage-2 pruning threshold; in FAST mode null means no pruning stage
 * @param ndocs                  candidates kept after stage 2; stage 3 keeps ndocs/4 (at least k) for exact scoring
 * @param ngroups                FAST mode: coarse centroid groups expanded per query token instead of scoring every
 *                               centroid (0: score every centroid; null: {@link #FAST_NGROUPS}); see
 *                               {@code CoarseCentroidScores}. Ignored in PLAID mode and where a
 *                               centroid_score_threshold is given (pruning needs every centroid's score).
 */
public record SearchParams(Mode mode, Integer ncells, Float centroidScoreThreshold, Integer ndocs, Fusion fusion,
        Float alpha, Integer depth, String filter, Integer ngroups) {
    /**
     * {@code exact}: exhaustive MaxSim; {@code bm25}: BM25 over the text indexes; {@code rerank}: BM25's best
     * {@code depth} rescored by exact MaxSim; {@code hybrid}: the best {@code depth} of FAST MaxSim and of BM25, fused.
     */
    public enum Mode {
        PLAID, FAST, EXACT, BM25, RERANK, HYBRID;

        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mode must be one of fast, plaid, exact, bm25, rerank, hybrid; got '"
                        + s + "'");
            }
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Whether the mode needs query text (BM25). */
        public boolean needsText() {
            return this == BM25 || this == RERANK || this == HYBRID;
        }

        /** Whether the mode needs query vectors (MaxSim). */
        public boolean needsVectors() {
            return this != BM25;
        }
    }

    /** BM25 candidates rescored in rerank mode, and candidates per list in hybrid mode. */
    public static final int DEFAULT_DEPTH = 200;
    /** Weight of MaxSim in relative_score fusion: next-plaid's default. */
    public static final float DEFAULT_ALPHA = 0.75f;
    /**
     * RRF: on samples/scifact-mini with the bundled encoder it scored best of the fusions tried (docs/search.md);
     * being rank-based it needs no weight tuned to how strong the encoder is relative to BM25.
     */
    public static final Fusion DEFAULT_FUSION = Fusion.RRF;

    /** Knobs of the MaxSim modes only, no filter. */
    public SearchParams(Mode mode, Integer ncells, Float centroidScoreThreshold, Integer ndocs) {
        this(mode, ncells, centroidScoreThreshold, ndocs, null, null, null, null, null);
    }

    /** All knobs but ngroups (its default for the mode). */
    public SearchParams(Mode mode, Integer ncells, Float centroidScoreThreshold, Integer ndocs, Fusion fusion,
            Float alpha, Integer depth, String filter) {
        this(mode, ncells, centroidScoreThreshold, ndocs, fusion, alpha, depth, filter, null);
    }

    public SearchParams {
        if (mode == null) {
            mode = Mode.FAST;
        }
        if (fusion == null) {
            fusion = DEFAULT_FUSION;
        }
        if (alpha != null && !(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        if (depth != null && depth <= 0) {
            throw new IllegalArgumentException("depth must be positive, got " + depth);
        }
        if (filter != null && filter.isBlank()) {
            filter = null;
        }
        if (ncells != null && ncells <= 0) {
            throw new IllegalArgumentException("ncells must be positive, got " + ncells);
        }
        if (ngroups != null && ngroups < 0) {
            throw new IllegalArgumentException("ngroups must be >= 0 (0: score every centroid), got " + ngroups);
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
        return new SearchParams(mode, n, centroidScoreThreshold, ndocs, fusion, alpha, depth, filter, ngroups);
    }

    public SearchParams withCentroidScoreThreshold(Float t) {
        return new SearchParams(mode, ncells, t, ndocs, fusion, alpha, depth, filter, ngroups);
    }

    public SearchParams withNdocs(Integer n) {
        return new SearchParams(mode, ncells, centroidScoreThreshold, n, fusion, alpha, depth, filter, ngroups);
    }

    public SearchParams withMode(Mode m) {
        return new SearchParams(m, ncells, centroidScoreThreshold, ndocs, fusion, alpha, depth, filter, ngroups);
    }

    public SearchParams withFusion(Fusion f) {
        return new SearchParams(mode, ncells, centroidScoreThreshold, ndocs, f, alpha, depth, filter, ngroups);
    }

    public SearchParams withAlpha(Float a) {
        return new SearchParams(mode, ncells, centroidScoreThreshold, ndocs, fusion, a, depth, filter, ngroups);
    }

    public SearchParams withDepth(Integer d) {
        return new SearchParams(mode, ncells, centroidScoreThreshold, ndocs, fusion, alpha, d, filter, ngroups);
    }

    /** A metadata filter (README "Filters"); null or blank for none. */
    public SearchParams withFilter(String f) {
        return new SearchParams(mode, ncells, centroidScoreThreshold, ndocs, fusion, alpha, depth, f, ngroups);
    }

    /** Coarse centroid groups expanded per query token in FAST mode; 0 scores every centroid (README "Search"). */
    public SearchParams withNgroups(Integer n) {
        return new SearchParams(mode, ncells, centroidScoreThreshold, ndocs, fusion, alpha, depth, filter, n);
    }

    public int depthOrDefault() {
        return depth != null ? depth : DEFAULT_DEPTH;
    }

    public float alphaOrDefault() {
        return alpha != null ? alpha : DEFAULT_ALPHA;
    }

    /**
     * Concrete values for a request of {@code k} results on an index of the reference size ({@value
     * #FAST_REFERENCE_CENTROIDS} centroids); for validation and reports that have no index at hand.
     */
    public Resolved resolve(int k) {
        return resolve(k, FAST_REFERENCE_CENTROIDS);
    }

    /**
     * Concrete values for a request of {@code k} results on an index of {@code numCentroids} centroids (only FAST's
     * default ncells depends on it). {@code threshold} is NaN when no pruning stage runs.
     */
    public Resolved resolve(int k, int numCentroids) {
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
            int cells = fastNcells(numCentroids);
            defCells = k <= 10 ? cells : k <= 100 ? 2 * cells : 4 * cells;
            defThreshold = Float.NaN;
            defNdocs = Math.max(FAST_NDOCS, 16 * k);
        }
        int n = ndocs != null ? ndocs : defNdocs;
        float t = centroidScoreThreshold != null ? centroidScoreThreshold : defThreshold;
        // PLAID stays the reference algorithm; threshold pruning reads every centroid's score
        int groups = mode == Mode.PLAID || !Float.isNaN(t) ? 0 : ngroups != null ? ngroups : FAST_NGROUPS;
        return new Resolved(ncells != null ? ncells : defCells, t, n, Math.max(k, n / 4), groups);
    }

    /**
     * FAST's default ncells for k ≤ 10: {@value #FAST_NCELLS} per {@value #FAST_REFERENCE_CENTROIDS} centroids,
     * never fewer than {@value #FAST_NCELLS}. Probing a fixed share of the centroids keeps a fixed share of the
     * documents as candidates, and that share is what held recall@10 at 0.85 on the synthetic set at 1× and 4×
     * (28% and 27% of the documents; a fixed ncells of 4 fell to 0.823 at 4×, where the build made twice the
     * centroids). The cost: candidates, and stage 3's time, grow in proportion to the documents (docs/search.md).
     */
    public static int fastNcells(int numCentroids) {
        long scaled = Math.round((double) FAST_NCELLS * numCentroids / FAST_REFERENCE_CENTROIDS);
        return (int) Math.max(FAST_NCELLS, Math.min(scaled, 1 << 16));
    }

    /**
     * FAST's default ngroups: 0, every centroid scored. Per-token expansion of fewer groups costs recall at 1× and 4×
     * of the synthetic set (0.853 against 0.855 and 0.859) for 6–11% of p50 on an idle machine and none under load
     * (docs/BENCHMARKS.md, "Per-token expansion for ngroups" and "Seventh session").
     */
    static final int FAST_NGROUPS = 0;

    /** Defaults of FAST mode for k ≤ 10 at the reference size, chosen from the recall/latency curve in docs/search.md. */
    static final int FAST_NCELLS = 4;
    static final int FAST_NDOCS = 256;
    /** The centroid count of the standard synthetic set (1×, 1.2M tokens), where FAST_NCELLS was tuned. */
    static final int FAST_REFERENCE_CENTROIDS = 16384;

    /**
     * @param nexact  documents scored exactly in stage 4
     * @param ngroups coarse centroid groups expanded per query token; 0: every centroid is scored
     */
    public record Resolved(int ncells, float threshold, int ndocs, int nexact, int ngroups) {
        public boolean pruning() {
            return !Float.isNaN(threshold);
        }
    }
}
