package io.tartan.format;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaxSimTest {
    /** Σ_i max_j ⟨q_i, d_j⟩ in double precision, the definition spelled out. */
    static double bruteForce(float[] q, float[] d, int dim) {
        double total = 0;
        for (int i = 0; i < q.length / dim; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < d.length / dim; j++) {
                double s = 0;
                for (int k = 0; k < dim; k++) {
                    s += (double) q[i * dim + k] * d[j * dim + k];
                }
                best = Math.max(best, s);
            }
            total += best;
        }
        return total;
    }

    @Test
    void matchesDoublePrecisionBruteForce() {
        Random rnd = new Random(11);
        for (int dim : new int[] {8, 64, 128, 384}) {
            for (int trial = 0; trial < 20; trial++) {
                float[] q = TestVectors.unitRows(rnd, 32, dim);
                float[] d = TestVectors.unitRows(rnd, 1 + rnd.nextInt(200), dim);
                assertEquals(bruteForce(q, d, dim), MaxSim.score(q, d, dim), 1e-4, "dim " + dim);
            }
        }
    }

    @Test
    void identicalDocumentScoresQueryLength() {
        Random rnd = new Random(12);
        float[] q = TestVectors.unitRows(rnd, 5, 32);
        assertEquals(5.0, MaxSim.score(q, q, 32), 1e-5);
    }

    @Test
    void badInputIsRejectedClearly() {
        float[] q = TestVectors.unitRows(new Random(1), 2, 8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MaxSim.score(q, new float[12], 8))
                .getMessage().contains("wrong dim"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MaxSim.score(q, new float[0], 8))
                .getMessage().contains("empty document"));
        float[] nan = q.clone();
        nan[3] = Float.NaN;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MaxSim.score(nan, q, 8))
                .getMessage().contains("non-finite"));
    }
}
