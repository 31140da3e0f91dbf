package io.tartan.query.search;

/**
 * Where one search's time went, stage by stage, for benchmarks ({@code StageProfile}): the searcher laps a clock at
 * each stage boundary of the real code path, so the parts add up to the whole query. {@link #OFF} (what searches use
 * unless a caller passes its own) keeps no time. One per thread; accumulates until {@link #clear}.
 */
public final class StageTimes {
    /** The stages of a PLAID/FAST search, in the order they run. */
    public enum Stage {
        /** the query transposed, per-thread scratch checked */
        QUERY("query matrix + scratch"),
        /** stage 1: Q·Cᵀ, every query token against every centroid */
        CENTROID_SCORES("stage 1 centroid scores Q·Cᵀ"),
        /** stage 1: each query token's ncells best centroids */
        TOP_CELLS("stage 1 top cells"),
        /** candidate generation: the probed cells' IVF lists, de-duplicated */
        IVF("candidates (IVF)"),
        /** PLAID stage 2, centroid pruning (PLAID mode) */
        PRUNE("stage 2 pruning"),
        /** stage 3: the per-query score table (int8 or bfloat16) */
        RANK_TABLE("stage 3 score table"),
        /** stage 3: centroid-only MaxSim of every candidate, best nexact kept */
        RANK("stage 3 approximate MaxSim"),
        /** stage 4: the per-query residual lookup table */
        EXACT_TABLE("stage 4 residual table"),
        /** stage 4: exact MaxSim of the kept candidates, top k */
        EXACT("stage 4 exact MaxSim"),
        /** the top k sorted, ids and pids looked up */
        RESULT("result (ids)");

        private final String label;

        Stage(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Keeps no time: what a search without a caller's clock uses. */
    public static final StageTimes OFF = new StageTimes(false);

    private final boolean on;
    private final long[] nanos = new long[Stage.values().length];
    private long last;

    private StageTimes(boolean on) {
        this.on = on;
    }

    public StageTimes() {
        this(true);
    }

    /** Starts the clock: the next {@link #lap} measures from here. */
    void start() {
        if (on) {
            last = System.nanoTime();
        }
    }

    /** Charges the time since the last start or lap to {@code stage}. */
    void lap(Stage stage) {
        if (on) {
            long now = System.nanoTime();
            nanos[stage.ordinal()] += now - last;
            last = now;
        }
    }

    public long nanos(Stage stage) {
        return nanos[stage.ordinal()];
    }

    /** The sum of every stage. */
    public long totalNanos() {
        long t = 0;
        for (long n : nanos) {
            t += n;
        }
        return t;
    }

    public void clear() {
        java.util.Arrays.fill(nanos, 0);
    }
}
