package io.tartan.format.kernel;

import io.tartan.format.MaxSim;
import io.tartan.format.TestVectors;
import io.tartan.format.codec.CentroidDtype;
import io.tartan.format.codec.ResidualCodec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LateInteractionKernelsTest {
    private final LateInteractionKernels ref = ScalarLateInteractionKernels.INSTANCE;
    private final LateInteractionKernels simd = InteractionKernels.simd().orElseThrow();

    @Test
    void simdMatchesScalarAndResidualScoresEqualMaxSimOverDecompressedVectors() {
        Random rnd = new Random(3);
        for (int nbits : new int[] {1, 2, 4}) {
            // 24 dims: byte counts (3, 6, 12) that are no multiple of anything the vectors hold
            for (int dim : new int[] {32, 24})
            for (int nq : new int[] {5, 16, 32, 40}) {
                int nqPad = (nq + 15) / 16 * 16;
                float[] centres = TestVectors.unitRows(rnd, 37, dim);
                float[] docs = TestVectors.clustered(rnd, centres, dim, 300, 0.5f, null);
                // float32 centroids: the reference reconstruction below uses `centres` as they are
                ResidualCodec codec = ResidualCodec.train(dim, nbits, CentroidDtype.FLOAT32, centres, docs, null);
                ResidualCodec.Compressed c = codec.compress(docs);
                float[] q = TestVectors.unitRows(rnd, nq, dim);
                float[] qt = TestVectors.transpose(q, nq, nqPad, dim);

                float[] sRef = new float[37 * nqPad];
                float[] sSimd = new float[37 * nqPad];
                ref.centroidScores(qt, nqPad, centres, 37, dim, sRef);
                simd.centroidScores(qt, nqPad, centres, 37, dim, sSimd);
                assertArrayEquals(sRef, sSimd, 1e-5f);

                int n = 3;
                float[] bRef = new float[nq * n], bSimd = new float[nq * n];
                int[] cRef = new int[nq * n], cSimd = new int[nq * n];
                ref.topCells(sRef, nqPad, nq, 37, n, bRef, cRef);
                simd.topCells(sRef, nqPad, nq, 37, n, bSimd, cSimd);
                assertArrayEquals(cRef, cSimd);
                assertArrayEquals(bRef, bSimd);

                int bpt = codec.bytesPerToken();
                float[] tRef = new float[bpt * 256 * nqPad];
                float[] tSimd = new float[tRef.length];
                ref.residualTable(qt, nqPad, dim, nbits, codec.bucketWeights(), tRef);
                simd.residualTable(qt, nqPad, dim, nbits, codec.bucketWeights(), tSimd);
                assertArrayEquals(tRef, tSimd, 1e-5f);

                float[] inv = new float[300];
                float[] dec = codec.decompress(c.codes(), c.residuals());
                for (int t = 0; t < 300; t++) {
                    float[] raw = new float[dim];
                    double norm = 0;
                    int[] one = {c.codes()[t]};
                    byte[] res = java.util.Arrays.copyOfRange(c.residuals(), t * bpt, (t + 1) * bpt);
                    // reconstruct c + r̂ without normalisation to get its norm
                    io.tartan.format.codec.ResidualPacking.unpack(res, 0, dim, nbits, new int[dim], 0);
                    int[] buckets = new int[dim];
                    io.tartan.format.codec.ResidualPacking.unpack(res, 0, dim, nbits, buckets, 0);
                    for (int d = 0; d < dim; d++) {
                        raw[d] = centres[one[0] * dim + d] + codec.bucketWeights()[buckets[d]];
                        norm += raw[d] * raw[d];
                    }
                    inv[t] = (float) (1 / Math.sqrt(norm));
                }
                float[] max = new float[nqPad];
                // odd lengths, one token, none: the unrolled kernels' tails
                byte[] t8 = new byte[37 * 32];
                if (nqPad == 32) {
                    ref.packScoresInt8x32(sRef, 37, t8);
                }
                for (int[] r : new int[][] {{0, 0}, {3, 4}, {7, 10}, {7, 66}, {1, 300}}) {
                    assertEquals(ref.residualMaxSim(sRef, tRef, nqPad, c.codes(), c.residuals(), bpt, inv, r[0], r[1], max),
                            simd.residualMaxSim(sRef, tSimd, nqPad, c.codes(), c.residuals(), bpt, inv, r[0], r[1], max),
                            1e-4, () -> java.util.Arrays.toString(r));
                    // (an all-zero table where nqPad is not 32: the sums are then 0, the tails still run)
                    assertEquals(ref.int8CentroidMaxSim32(t8, c.codes(), r[0], r[1]),
                            simd.int8CentroidMaxSim32(t8, c.codes(), r[0], r[1]), () -> java.util.Arrays.toString(r));
                }
                for (int from = 0; from < 300; from += 60) {
                    float want = MaxSim.score(q, java.util.Arrays.copyOfRange(dec, from * dim, (from + 60) * dim), dim);
                    assertEquals(want, ref.residualMaxSim(sRef, tRef, nqPad, c.codes(), c.residuals(), bpt, inv, from, from + 60, max), 1e-4);
                    assertEquals(want, simd.residualMaxSim(sRef, tSimd, nqPad, c.codes(), c.residuals(), bpt, inv, from, from + 60, max), 1e-4);
                    float cRefScore = ref.centroidMaxSim(sRef, nqPad, c.codes(), from, from + 60, null, max);
                    assertEquals(cRefScore, simd.centroidMaxSim(sRef, nqPad, c.codes(), from, from + 60, null, max), 1e-4);
                    if (nqPad == 32) {
                        int[] pRef = new int[37 * 16];
                        int[] pSimd = new int[37 * 16];
                        ref.packScores32(sRef, 37, pRef);
                        simd.packScores32(sRef, 37, pSimd);
                        assertArrayEquals(pRef, pSimd);
                        float packed = ref.packedCentroidMaxSim32(pRef, c.codes(), from, from + 60, null, max);
                        assertEquals(packed, simd.packedCentroidMaxSim32(pRef, c.codes(), from, from + 60, null, max), 1e-4);
                        assertEquals(cRefScore, packed, 0.01 * nq, "bfloat16 keeps 8 significant bits");
                        byte[] bRef8 = new byte[37 * 32];
                        byte[] bSimd8 = new byte[37 * 32];
                        float step = ref.packScoresInt8x32(sRef, 37, bRef8);
                        assertEquals(step, simd.packScoresInt8x32(sRef, 37, bSimd8));
                        assertArrayEquals(bRef8, bSimd8);
                        int steps = ref.int8CentroidMaxSim32(bRef8, c.codes(), from, from + 60);
                        assertEquals(steps, simd.int8CentroidMaxSim32(bRef8, c.codes(), from, from + 60));
                        // padding columns score 0 in both; each of the nq real maxima is off by at most half a step
                        assertEquals(cRefScore, steps * step, nq * step / 2 + 1e-5, "int8 within half a step a token");
                    }
                    boolean[] keep = new boolean[37];
                    for (int k = 0; k < 37; k += 2) {
                        keep[k] = true;
                    }
                    assertEquals(ref.centroidMaxSim(sRef, nqPad, c.codes(), from, from + 60, keep, max),
                            simd.centroidMaxSim(sRef, nqPad, c.codes(), from, from + 60, keep, max), 1e-4);
                    if (nqPad == 32) {
                        int[] p = new int[37 * 16];
                        ref.packScores32(sRef, 37, p);
                        assertEquals(ref.packedCentroidMaxSim32(p, c.codes(), from, from + 60, keep, max),
                                simd.packedCentroidMaxSim32(p, c.codes(), from, from + 60, keep, max), 1e-4);
                    }
                }
            }
        }
    }

    /**
     * The vector residual table (built from shared prefix sums since issue 17) holds bit for bit the floats of the
     * per-entry build it replaced, {@link #perEntryTable}, and the vector exact MaxSim returns over it bit for bit
     * the float it returns over the per-entry table: random queries and residual bytes, documents of 1..300 tokens, nbits 1, 2 and 4, dims
     * 64, 96, 128 and 40 (no multiple of 16 lanes; at nbits 2 and 4, 10 and 20 bytes, no multiple of anything the
     * vectors hold), 16, 32 and 40 query tokens (one, two or three vectors on 16 lanes; two, four or six on 8).
     */
    @Test
    void residualTableIsBitIdenticalToThePerEntrySums() {
        Random rnd = new Random(17);
        for (int nbits : new int[] {1, 2, 4})
        for (int dim : new int[] {64, 96, 128, 40})
        for (int nq : new int[] {16, 32, 40}) {
            int nqPad = (nq + 15) / 16 * 16;
            int bpt = dim * nbits / 8;
            float[] q = TestVectors.unitRows(rnd, nq, dim);
            float[] qt = TestVectors.transpose(q, nq, nqPad, dim);
            float[] weights = new float[1 << nbits];
            for (int k = 0; k < weights.length; k++) {
                weights[k] = (float) rnd.nextGaussian() * 0.05f;
            }
            float[] want = perEntryTable(qt, nqPad, dim, nbits, weights);
            float[] got = new float[want.length];
            simd.residualTable(qt, nqPad, dim, nbits, weights, got);
            for (int j = 0; j < want.length; j++) {
                if (Float.floatToRawIntBits(want[j]) != Float.floatToRawIntBits(got[j])) {
                    throw new AssertionError("nbits " + nbits + " dim " + dim + " nq " + nq + ": entry " + j + " is "
                            + got[j] + ", the per-entry sum " + want[j]);
                }
            }
            int centroids = 50;
            float[] cs = new float[centroids * nqPad];
            for (int j = 0; j < centroids * nqPad; j++) {
                cs[j] = j % nqPad < nq ? rnd.nextFloat() * 2 - 1 : 0f;
            }
            int[] codes = new int[300];
            float[] inv = new float[300];
            byte[] res = new byte[300 * bpt];
            float[] max = new float[nqPad];
            for (int len = 1; len <= 300; len += len < 10 ? 1 : 37) {
                for (int t = 0; t < len; t++) {
                    codes[t] = rnd.nextInt(centroids);
                    inv[t] = 0.8f + rnd.nextFloat() * 0.4f;
                }
                rnd.nextBytes(res);
                float a = simd.residualMaxSim(cs, want, nqPad, codes, res, bpt, inv, 0, len, max);
                float b = simd.residualMaxSim(cs, got, nqPad, codes, res, bpt, inv, 0, len, max);
                assertEquals(Float.floatToRawIntBits(a), Float.floatToRawIntBits(b), "length " + len);
                assertEquals(ref.residualMaxSim(cs, want, nqPad, codes, res, bpt, inv, 0, len, max), b, 1e-4);
            }
        }
    }

    /**
     * The residual table as it was built before issue 17, entry by entry: {@code w·q} of a byte's first dim, then
     * the next dims' added in order (plain float arithmetic is what the vector lanes do, signed zeros included).
     */
    private static float[] perEntryTable(float[] qt, int nqPad, int dim, int nbits, float[] weights) {
        int per = 8 / nbits;
        int bpt = dim * nbits / 8;
        int[] buckets = ScalarLateInteractionKernels.byteBuckets(nbits);
        float[] out = new float[bpt * 256 * nqPad];
        for (int b = 0; b < bpt; b++) {
            for (int v = 0; v < 256; v++) {
                for (int i = 0; i < nqPad; i++) {
                    float a = weights[buckets[v * per]] * qt[b * per * nqPad + i];
                    for (int j = 1; j < per; j++) {
                        a += weights[buckets[v * per + j]] * qt[(b * per + j) * nqPad + i];
                    }
                    out[(b * 256 + v) * nqPad + i] = a;
                }
            }
        }
        return out;
    }

    /**
     * The int8 table rounds exactly as {@code Math.round} does, ties and near-ties included (a vector floor of
     * {@code x + 0.5} would turn 0.49999997 into 1), for table lengths that leave a scalar tail on any vector width.
     */
    @Test
    void int8PackRoundsLikeMathRound() {
        // with max |score| 127 the step is 1, so the scaled values are the scores themselves
        float[] edges = {127f, -127f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.49999997f, -0.49999997f,
                0.50000006f, -0.50000006f, 126.5f, -126.5f, 0f, -0f, 3.4999998f, -3.5000002f, 0.75f, -0.75f};
        Random rnd = new Random(11);
        for (int centroids : new int[] {1, 3, 37}) {
            float[] scores = new float[centroids * 32];
            for (int j = 0; j < scores.length; j++) {
                scores[j] = j < edges.length ? edges[j] : (rnd.nextFloat() * 2 - 1) * 127;
            }
            scores[0] = 127f;
            byte[] a = new byte[scores.length];
            byte[] b = new byte[scores.length];
            assertEquals(ref.packScoresInt8x32(scores, centroids, a), simd.packScoresInt8x32(scores, centroids, b));
            for (int j = 0; j < scores.length; j++) {
                assertEquals((byte) Math.round(scores[j]), a[j], "reference at " + scores[j]);
                assertEquals(a[j], b[j], "vector at " + scores[j]);
            }
            // a table whose max is not 127: the step is max/127 and every entry still rounds as the reference
            for (int j = 0; j < scores.length; j++) {
                scores[j] = (rnd.nextFloat() * 2 - 1) * 0.8f;
            }
            assertEquals(ref.packScoresInt8x32(scores, centroids, a), simd.packScoresInt8x32(scores, centroids, b));
            assertArrayEquals(a, b);
        }
        // the int8 MaxSim's lane sum at its extremes: every lane -128 or 127, and mixed
        byte[] table = new byte[3 * 32];
        for (int j = 0; j < 32; j++) {
            table[j] = Byte.MIN_VALUE;
            table[32 + j] = Byte.MAX_VALUE;
            table[64 + j] = (byte) (j % 2 == 0 ? -128 + j : 127 - j);
        }
        for (int[] codes : new int[][] {{0}, {1}, {2}, {0, 2}, {2, 1, 0}}) {
            assertEquals(ref.int8CentroidMaxSim32(table, codes, 0, codes.length),
                    simd.int8CentroidMaxSim32(table, codes, 0, codes.length), java.util.Arrays.toString(codes));
        }
        assertEquals(-32 * 128, simd.int8CentroidMaxSim32(table, new int[] {0}, 0, 1));
        assertEquals(32 * 127, simd.int8CentroidMaxSim32(table, new int[] {1}, 0, 1));
    }
}
