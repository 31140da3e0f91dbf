package io.tartan.query.eval;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies, interpolated linearly between the two nearest ranks (numpy's default), so p50 of
 * an even count is the mean of the middle two.
 */
public final class LatencyPercentiles {
    private final double[] sorted;

    private LatencyPercentiles(double[] sorted) {
        this.sorted = sorted;
    }

    public static LatencyPercentiles of(double[] millis) {
        if (millis.length == 0) {
            throw new IllegalArgumentException("no latencies measured");
        }
        double[] s = millis.clone();
        Arrays.sort(s);
        return new LatencyPercentiles(s);
    }

    /** The {@code p}-th percentile, {@code 0 ≤ p ≤ 100}. */
    public double percentile(double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        double pos = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    public double p50() {
        return percentile(50);
    }

    public double p95() {
        return percentile(95);
    }

    public int count() {
        return sorted.length;
    }
}
