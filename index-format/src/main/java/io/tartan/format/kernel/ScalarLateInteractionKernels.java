package io.tartan.format.kernel;

import io.tartan.format.codec.ResidualPacking;

import java.util.Arrays;

/** Plain-Java reference of {@link LateInteractionKernels}; the SIMD version is tested against it. */
public final class ScalarLateInteractionKernels implements LateInteractionKernels {
    public static final ScalarLateInteractionKernels INSTANCE = new ScalarLateInteractionKernels();

    @Override
    public void centroidScores(float[] qt, int nqPad, float[] centroids, int numCentroids, int dim, float[] out) {
        for (int c = 0; c < numCentroids; c++) {
            int o = c * nqPad;
            Arrays.fill(out, o, o + nqPad, 0f);
            for (int d = 0; d < dim; d++) {
                float x = centroids[c * dim + d];
                int q = d * nqPad;
                for (int i = 0; i < nqPad; i++) {
                    out[o + i] += x * qt[q + i];
                }
            }
        }
    }

    @Override
    public void tokenScores(float[] qt, int nqPad, int i, float[] blocks, int numCentroids, int dim, float[] out,
            int off) {
        int w = QUERY_PAD;
        int padded = (numCentroids + w - 1) / w * w;
        for (int c = 0; c < padded; c++) {
            int base = (c / w) * dim * w + c % w;
            // the same sum as centroidScores: from 0, one product a dim, in dim order, not fused
            float a = 0f;
            for (int d = 0; d < dim; d++) {
                a += blocks[base + d * w] * qt[d * nqPad + i];
            }
            out[off + c] = a;
        }
    }

    @Override
    public void topCells(float[] scores, int nqPad, int nq, int numCentroids, int n, float[] best, int[] cells) {
        Arrays.fill(best, 0, nq * n, Float.NEGATIVE_INFINITY);
        Arrays.fill(cells, 0, nq * n, 0);
        for (int c = 0; c < numCentroids; c++) {
            int o = c * nqPad;
            for (int i = 0; i < nq; i++) {
                float v = scores[o + i];
                if (v > best[i * n + n - 1]) {
                    insert(best, cells, i * n, n, v, c);
                }
            }
        }
    }

    /** Inserts (v, c) into the descending list at {@code base}, dropping its last entry. */
    static void insert(float[] best, int[] cells, int base, int n, float v, int c) {
        int j = n - 1;
        while (j > 0 && best[base + j - 1] < v) {
            best[base + j] = best[base + j - 1];
            cells[base + j] = cells[base + j - 1];
            j--;
        }
        best[base + j] = v;
        cells[base + j] = c;
    }

    @Override
    public void packScores32(float[] scores, int numCentroids, int[] packed) {
        for (int c = 0; c < numCentroids; c++) {
            for (int i = 0; i < 16; i++) {
                int lo = Float.floatToRawIntBits(scores[c * 32 + i]) >>> 16;
                int hi = Float.floatToRawIntBits(scores[c * 32 + 16 + i]) & 0xffff0000;
                packed[c * 16 + i] = hi | lo;
            }
        }
    }

    @Override
    public float packedCentroidMaxSim32(int[] packed, int[] codes, int from, int to, boolean[] keep, float[] max) {
        Arrays.fill(max, 0, 32, Float.NEGATIVE_INFINITY);
        for (int t = from; t < to; t++) {
            int c = codes[t];
            if (keep != null && !keep[c]) {
                continue;
            }
            for (int i = 0; i < 16; i++) {
                int v = packed[c * 16 + i];
                max[i] = Math.max(max[i], Float.intBitsToFloat(v << 16));
                max[16 + i] = Math.max(max[16 + i], Float.intBitsToFloat(v & 0xffff0000));
            }
        }
        return sumFinite(max, 32);
    }

    @Override
    public float packScoresInt8x32(float[] scores, int numCentroids, byte[] packed) {
        float step = int8Step(scores, numCentroids * 32);
        float inv = 1 / step;
        for (int j = 0; j < numCentroids * 32; j++) {
            packed[j] = (byte) roundHalfUp(scores[j] * inv);
        }
        return step;
    }

    /**
     * {@code Math.round(x)} for {@code |x| < 2^23}, without branches: truncate, then step by the exact fraction
     * ({@code x - (int) x} is exact there), up at ≥ .5 and down below −.5. Math.round is not a JIT intrinsic on
     * Java 17 and costs the int8 table pack ~30% more on a million entries. (The Vector API kernel rounds in vectors
     * with a magic-number addition instead: a vector float → int conversion is slower still on 17 with AVX2.)
     */
    public static int roundHalfUp(float x) {
        int t = (int) x;
        float f = x - t;
        return t + (f >= 0.5f ? 1 : 0) - (f < -0.5f ? 1 : 0);
    }

    /** {@code max|score| / 127} over the first n scores; 1 when they are all 0. */
    static float int8Step(float[] scores, int n) {
        float m = 0;
        for (int j = 0; j < n; j++) {
            m = Math.max(m, Math.abs(scores[j]));
        }
        return m > 0 ? m / 127 : 1f;
    }

    @Override
    public int int8CentroidMaxSim32(byte[] packed, int[] codes, int from, int to) {
        if (to <= from) {
            return 0;
        }
        int[] max = new int[32];
        java.util.Arrays.fill(max, Integer.MIN_VALUE);
        for (int t = from; t < to; t++) {
            int o = codes[t] * 32;
            for (int i = 0; i < 32; i++) {
                max[i] = Math.max(max[i], packed[o + i]);
            }
        }
        int sum = 0;
        for (int m : max) {
            sum += m;
        }
        return sum;
    }

    @Override
    public float centroidMaxSim(float[] scores, int nqPad, int[] codes, int from, int to, boolean[] keep, float[] max) {
        Arrays.fill(max, 0, nqPad, Float.NEGATIVE_INFINITY);
        for (int t = from; t < to; t++) {
            int c = codes[t];
            if (keep != null && !keep[c]) {
                continue;
            }
            int o = c * nqPad;
            for (int i = 0; i < nqPad; i++) {
                max[i] = Math.max(max[i], scores[o + i]);
            }
        }
        return sumFinite(max, nqPad);
    }

    /** Sum of the maxima; a query token that no document token reached (all pruned) adds 0. */
    static float sumFinite(float[] max, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            if (max[i] != Float.NEGATIVE_INFINITY) {
                s += max[i];
            }
        }
        return s;
    }

    @Override
    public void residualTable(float[] qt, int nqPad, int dim, int nbits, float[] bucketWeights, float[] out) {
        int per = 8 / nbits;
        int bpt = dim * nbits / 8;
        int[] buckets = byteBuckets(nbits);
        for (int b = 0; b < bpt; b++) {
            for (int v = 0; v < 256; v++) {
                int o = (b * 256 + v) * nqPad;
                Arrays.fill(out, o, o + nqPad, 0f);
                for (int j = 0; j < per; j++) {
                    float w = bucketWeights[buckets[v * per + j]];
                    int q = (b * per + j) * nqPad;
                    for (int i = 0; i < nqPad; i++) {
                        out[o + i] += w * qt[q + i];
                    }
                }
            }
        }
    }

    /** {@code [v·per + j]}: bucket of the j-th dim packed in byte value v (FORMAT.md bit layout). */
    static int[] byteBuckets(int nbits) {
        int per = 8 / nbits;
        int[] out = new int[256 * per];
        byte[] one = new byte[1];
        for (int v = 0; v < 256; v++) {
            one[0] = (byte) v;
            ResidualPacking.unpack(one, 0, per, nbits, out, v * per);
        }
        return out;
    }

    @Override
    public float residualMaxSim(float[] centroidScores, float[] residualTable, int nqPad, int[] codes, byte[] residuals,
            int bpt, float[] invNorms, int from, int to, float[] max) {
        Arrays.fill(max, 0, nqPad, Float.NEGATIVE_INFINITY);
        float[] acc = new float[nqPad];
        for (int t = from; t < to; t++) {
            System.arraycopy(centroidScores, codes[t] * nqPad, acc, 0, nqPad);
            int r = t * bpt;
            for (int b = 0; b < bpt; b++) {
                int o = (b * 256 + (residuals[r + b] & 0xff)) * nqPad;
                for (int i = 0; i < nqPad; i++) {
                    acc[i] += residualTable[o + i];
                }
            }
            float inv = invNorms[t];
            for (int i = 0; i < nqPad; i++) {
                max[i] = Math.max(max[i], acc[i] * inv);
            }
        }
        return sumFinite(max, nqPad);
    }

    @Override
    public String name() {
        return "scalar";
    }
}
