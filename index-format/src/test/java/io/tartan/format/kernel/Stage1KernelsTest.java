package io.tartan.format.kernel;

import io.tartan.format.TestVectors;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stage 1's kernels (Q·Cᵀ over prepared centroids, top cells, the int8 table) against the scalar reference, at sizes
 * that leave tails everywhere: centroid counts off the block width, dims off the vector length, query lengths that
 * are not a multiple of any group of tokens or of the lanes.
 */
class Stage1KernelsTest {
    private static final LateInteractionKernels REF = ScalarLateInteractionKernels.INSTANCE;
    private final LateInteractionKernels simd = InteractionKernels.simd().orElseThrow();

    @Test
    void preparedCentroidScoresMatchScalarAndTheRowMajorKernelBitForBit() {
        Random rnd = new Random(5);
        for (int dim : new int[] {7, 32, 128}) {
            for (int k : new int[] {1, 2, 3, 17, 31, 32, 33, 97, 200}) {
                for (int nq : new int[] {1, 5, 16, 17, 25, 30, 31, 32, 40}) {
                    int nqPad = (nq + 15) / 16 * 16;
                    float[] cents = TestVectors.unitRows(rnd, k, dim);
                    float[] qt = TestVectors.transpose(TestVectors.unitRows(rnd, nq, dim), nq, nqPad, dim);
                    String at = "dim " + dim + " k " + k + " nq " + nq;
                    float[] want = new float[k * nqPad];
                    REF.centroidScores(qt, nqPad, cents, k, dim, want);
                    float[] rows = new float[k * nqPad];
                    simd.centroidScores(qt, nqPad, cents, k, dim, rows);
                    assertArrayEquals(want, rows, 1e-5f, at);
                    // garbage in out: every entry, padding columns included, must be written
                    float[] got = new float[k * nqPad];
                    java.util.Arrays.fill(got, Float.NaN);
                    simd.centroidScores(qt, nqPad, simd.prepareCentroids(cents, k, dim), got);
                    assertArrayEquals(rows, got, 0f, at + ": same floats as the row-major kernel");
                    // a layout another kernel prepared (another group width, or none) still gives the same scores
                    for (CentroidBlocks other : new CentroidBlocks[] {CentroidBlocks.rowMajor(cents, k, dim),
                            CentroidBlocks.blocked(cents, k, dim, 4), CentroidBlocks.blocked(cents, k, dim, 8),
                            CentroidBlocks.blocked(cents, k, dim, 64)}) {
                        java.util.Arrays.fill(got, Float.NaN);
                        simd.centroidScores(qt, nqPad, other, got);
                        assertArrayEquals(rows, got, 0f, at + " width " + other.width());
                    }
                    java.util.Arrays.fill(got, Float.NaN);
                    REF.centroidScores(qt, nqPad, REF.prepareCentroids(cents, k, dim), got);
                    assertArrayEquals(want, got, 0f, at);
                }
            }
        }
    }

    /**
     * One token against blocked centroids (the per-token coarse level's product): each score the same float as the
     * full product's for that (centroid, token) pair, SIMD against SIMD and scalar against scalar; the padding
     * centroids score 0 and nothing outside {@code [off, off + ⌈k/16⌉·16)} is written.
     */
    @Test
    void tokenScoresAreTheFullProductsFloatsForThatToken() {
        Random rnd = new Random(9);
        for (int dim : new int[] {7, 32, 128}) {
            for (int k : new int[] {1, 15, 16, 17, 33, 64, 65, 97, 200}) {
                for (int nq : new int[] {1, 17, 32}) {
                    int nqPad = (nq + 15) / 16 * 16;
                    float[] cents = TestVectors.unitRows(rnd, k, dim);
                    float[] qt = TestVectors.transpose(TestVectors.unitRows(rnd, nq, dim), nq, nqPad, dim);
                    float[] blocks = CentroidBlocks.blocked(cents, k, dim, LateInteractionKernels.QUERY_PAD).blocks();
                    int padded = (k + 15) / 16 * 16;
                    for (LateInteractionKernels kern : new LateInteractionKernels[] {REF, simd}) {
                        float[] full = new float[k * nqPad];
                        kern.centroidScores(qt, nqPad, cents, k, dim, full);
                        for (int i = 0; i < nq; i += Math.max(1, nq / 3)) {
                            int off = 5;
                            float[] out = new float[off + padded + 3];
                            java.util.Arrays.fill(out, Float.NaN);
                            kern.tokenScores(qt, nqPad, i, blocks, k, dim, out, off);
                            String at = kern.name() + " dim " + dim + " k " + k + " nq " + nq + " token " + i;
                            for (int c = 0; c < k; c++) {
                                assertEquals(Float.floatToRawIntBits(full[c * nqPad + i]),
                                        Float.floatToRawIntBits(out[off + c]), at + " centroid " + c);
                            }
                            for (int c = k; c < padded; c++) {
                                assertEquals(0f, out[off + c], at + " padding " + c);
                            }
                            for (int j : new int[] {0, off - 1, off + padded, out.length - 1}) {
                                assertTrue(Float.isNaN(out[j]), at + " wrote outside at " + j);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Several tokens against one group's blocks at once (tiles of 4 tokens and the 1–3 left over, odd and even vector
     * counts): each token's scores bit for bit what {@link LateInteractionKernels#tokenScores} writes for it, each
     * into its own range, nothing written between or around them.
     */
    @Test
    void tokensScoresAreEachTokensOwnScores() {
        Random rnd = new Random(13);
        for (int dim : new int[] {7, 128}) {
            for (int k : new int[] {1, 16, 17, 33, 48, 90, 200}) {
                int nq = 32;
                float[] cents = TestVectors.unitRows(rnd, k, dim);
                float[] qt = TestVectors.transpose(TestVectors.unitRows(rnd, nq, dim), nq, nq, dim);
                float[] blocks = CentroidBlocks.blocked(cents, k, dim, LateInteractionKernels.QUERY_PAD).blocks();
                int padded = (k + 15) / 16 * 16;
                for (LateInteractionKernels kern : new LateInteractionKernels[] {REF, simd}) {
                    for (int count = 1; count <= 11; count++) {
                        int[] tokens = new int[count];
                        int[] offs = new int[count];
                        for (int j = 0; j < count; j++) {
                            tokens[j] = rnd.nextInt(nq);
                            // out of order, a gap of 3 between ranges
                            offs[j] = 2 + (count - 1 - j) * (padded + 3);
                        }
                        float[] out = new float[2 + count * (padded + 3)];
                        java.util.Arrays.fill(out, Float.NaN);
                        kern.tokensScores(qt, nq, tokens, offs, count, blocks, k, dim, out);
                        String at = kern.name() + " dim " + dim + " k " + k + " count " + count;
                        boolean[] written = new boolean[out.length];
                        for (int j = 0; j < count; j++) {
                            float[] one = new float[padded];
                            kern.tokenScores(qt, nq, tokens[j], blocks, k, dim, one, 0);
                            for (int c = 0; c < padded; c++) {
                                assertEquals(Float.floatToRawIntBits(one[c]), Float.floatToRawIntBits(out[offs[j] + c]),
                                        at + " token " + tokens[j] + " centroid " + c);
                                written[offs[j] + c] = true;
                            }
                        }
                        for (int x = 0; x < out.length; x++) {
                            if (!written[x]) {
                                assertTrue(Float.isNaN(out[x]), at + " wrote outside at " + x);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void blockedLayoutIsDimMajorInsideZeroPaddedBlocks() {
        float[] rows = new float[3 * 2];
        for (int j = 0; j < rows.length; j++) {
            rows[j] = j + 1; // centroid c, dim d = c·2 + d + 1
        }
        CentroidBlocks b = CentroidBlocks.blocked(rows, 3, 2, 4);
        assertArrayEquals(new float[] {1, 3, 5, 0, 2, 4, 6, 0}, b.blocks());
        assertEquals(32, b.blockBytes());
        assertEquals(0, CentroidBlocks.rowMajor(rows, 3, 2).blockBytes());
    }

    @Test
    void topCellsMatchScalarWithTiesAndPaddingColumns() {
        Random rnd = new Random(6);
        for (int k : new int[] {1, 3, 9, 40, 300}) {
            for (int nq : new int[] {1, 7, 16, 17, 31, 32, 33}) {
                int nqPad = (nq + 15) / 16 * 16;
                float[] scores = new float[k * nqPad];
                for (int j = 0; j < scores.length; j++) {
                    // few distinct values: many ties, which rank the lower centroid first
                    scores[j] = j % nqPad < nq ? rnd.nextInt(7) / 7f - 0.5f : 0f;
                }
                for (int n : new int[] {1, 4, 9}) {
                    float[] bw = new float[nq * n], bg = new float[nq * n];
                    int[] cw = new int[nq * n], cg = new int[nq * n];
                    java.util.Arrays.fill(cg, -5);
                    REF.topCells(scores, nqPad, nq, k, n, bw, cw);
                    simd.topCells(scores, nqPad, nq, k, n, bg, cg);
                    String at = "k " + k + " nq " + nq + " n " + n;
                    assertArrayEquals(cw, cg, at);
                    assertArrayEquals(bw, bg, at);
                }
            }
        }
    }

    @Test
    void int8TableMatchesScalar() {
        Random rnd = new Random(7);
        for (int k : new int[] {1, 2, 3, 37, 500}) {
            float[] scores = new float[k * 32];
            for (int j = 0; j < scores.length; j++) {
                scores[j] = (rnd.nextFloat() * 2 - 1) * 0.9f;
            }
            byte[] want = new byte[scores.length];
            byte[] got = new byte[scores.length];
            assertEquals(REF.packScoresInt8x32(scores, k, want), simd.packScoresInt8x32(scores, k, got));
            assertArrayEquals(want, got, "k " + k);
        }
        byte[] zeros = new byte[32];
        assertEquals(1f, simd.packScoresInt8x32(new float[32], 1, zeros));
        assertArrayEquals(new byte[32], zeros);
    }
}
