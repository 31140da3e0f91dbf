package io.tartan.format.kernel;

import io.tartan.format.TestVectors;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The 32-column stage-1 kernels against the scalar reference, at sizes that leave tails everywhere. */
class Stage1KernelsTest {
    private static final ScalarLateInteractionKernels REF = ScalarLateInteractionKernels.INSTANCE;

    private static float[] transpose(float[] q, int nq, int nqPad, int dim) {
        float[] qt = new float[dim * nqPad];
        for (int i = 0; i < nq; i++) {
            for (int d = 0; d < dim; d++) {
                qt[d * nqPad + i] = q[i * dim + d];
            }
        }
        return qt;
    }

    @Test
    void variantsMatchScalar() {
        Random rnd = new Random(5);
        for (int dim : new int[] {7, 32, 128}) {
            for (int k : new int[] {1, 2, 3, 5, 6, 7, 16, 17, 97, 200}) {
                for (int nq : new int[] {17, 25, 30, 31, 32}) {
                    float[] cents = TestVectors.unitRows(rnd, k, dim);
                    float[] qt = transpose(TestVectors.unitRows(rnd, nq, dim), nq, 32, dim);
                    float[] want = new float[k * 32];
                    REF.centroidScores(qt, 32, cents, k, dim, want);
                    String at = "dim " + dim + " k " + k + " nq " + nq;
                    float[] got = new float[k * 32];
                    SimdLateInteractionKernels.centroidScores32x6(qt, cents, k, dim, got);
                    assertArrayEquals(want, got, 1e-5f, at);
                    if (SimdLateInteractionKernels.BLOCK == 16) {
                        got = new float[k * 32];
                        SimdLateInteractionKernels.centroidScores32x3(qt, cents, k, dim, got);
                        assertArrayEquals(want, got, 1e-5f, at);
                    } else {
                        got = new float[k * 32];
                        SimdLateInteractionKernels.centroidScores2x12(qt, cents, k, dim, got);
                        assertArrayEquals(want, got, 1e-5f, at);
                    }
                    got = new float[k * 32];
                    SimdLateInteractionKernels.centroidScoresBlocked(qt, nq,
                            SimdLateInteractionKernels.blockCentroids(cents, k, dim), k, dim, got, new float[32 * 32]);
                    assertArrayEquals(want, got, 1e-5f, at);
                    got = new float[k * 32];
                    SimdLateInteractionKernels.centroidScoresBlockedGather(qt, nq,
                            SimdLateInteractionKernels.blockCentroids(cents, k, dim), k, dim, got, new float[32 * 32]);
                    assertArrayEquals(want, got, 1e-5f, at);
                    for (int n : new int[] {1, 4, 9}) {
                        float[] bw = new float[nq * n], bg = new float[nq * n];
                        int[] cw = new int[nq * n], cg = new int[nq * n];
                        REF.topCells(want, 32, nq, k, n, bw, cw);
                        SimdLateInteractionKernels.topCells32(want, nq, k, n, bg, cg);
                        assertArrayEquals(cw, cg, at);
                        assertArrayEquals(bw, bg, at);
                    }
                    byte[] pw = new byte[k * 32], pg = new byte[k * 32];
                    assertEquals(REF.packScoresInt8x32(want, k, pw),
                            SimdLateInteractionKernels.packScoresInt8x32v(want, k, pg), at);
                    assertArrayEquals(pw, pg, at);
                }
            }
        }
    }

    @Test
    void vectorInt8RoundsLikeMathRound() {
        float[] edges = {127f, -127f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.49999997f, -0.49999997f,
                0.50000006f, -0.50000006f, 126.5f, -126.5f, 0f, -0f, 3.4999998f, -3.5000002f, 0.75f, -0.75f};
        Random rnd = new Random(11);
        float[] scores = new float[3 * 32];
        for (int j = 0; j < scores.length; j++) {
            scores[j] = j < edges.length ? edges[j] : (rnd.nextFloat() * 2 - 1) * 127;
        }
        byte[] a = new byte[scores.length];
        assertEquals(1f, SimdLateInteractionKernels.packScoresInt8x32v(scores, 3, a));
        for (int j = 0; j < scores.length; j++) {
            assertEquals((byte) Math.round(scores[j]), a[j], "at " + scores[j]);
        }
    }
}
