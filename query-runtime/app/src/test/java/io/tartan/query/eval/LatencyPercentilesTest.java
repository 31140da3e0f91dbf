package io.tartan.query.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LatencyPercentilesTest {
    @Test
    void interpolatesBetweenNearestRanksLikeNumpy() {
        LatencyPercentiles p = LatencyPercentiles.of(new double[] {5, 1, 3, 2, 4});
        assertEquals(3.0, p.p50(), 1e-12);
        // position 0.95 · 4 = 3.8 → 4 + 0.8 · (5 − 4)
        assertEquals(4.8, p.p95(), 1e-12);
        assertEquals(1.0, p.percentile(0), 1e-12);
        assertEquals(5.0, p.percentile(100), 1e-12);
        // even count: the mean of the middle two
        assertEquals(2.5, LatencyPercentiles.of(new double[] {4, 3, 2, 1}).p50(), 1e-12);
        assertEquals(7.0, LatencyPercentiles.of(new double[] {7}).p95(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> LatencyPercentiles.of(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> p.percentile(101));
    }
}
