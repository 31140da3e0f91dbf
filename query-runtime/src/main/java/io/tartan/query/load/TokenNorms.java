package io.tartan.query.load;

import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.codec.ResidualPacking;

/**
 * {@code 1 / ‖centroid + r̂‖} of stored tokens, computed once when a serving segment is built. Decompression
 * re-normalises {@code c + r̂}; lookup-table scoring skips reconstruction, and multiplying its result by this factor
 * makes it the exact score against the decompressed vector.
 */
public final class TokenNorms {
    private final int dim;
    private final int per;
    private final int bpt;
    private final float[] centroids;
    /** byte value → the residual values of the {@code per} dims it packs */
    private final float[] byteValues;

    public TokenNorms(ResidualCodec codec) {
        this.dim = codec.dim();
        int nbits = codec.nbits();
        this.per = 8 / nbits;
        this.bpt = codec.bytesPerToken();
        this.centroids = codec.centroids();
        float[] weights = codec.bucketWeights();
        byteValues = new float[256 * per];
        int[] buckets = new int[per];
        byte[] one = new byte[1];
        for (int v = 0; v < 256; v++) {
            one[0] = (byte) v;
            ResidualPacking.unpack(one, 0, per, nbits, buckets, 0);
            for (int j = 0; j < per; j++) {
                byteValues[v * per + j] = weights[buckets[j]];
            }
        }
    }

    /** Inverse norms of the {@code n} tokens with codes {@code codes[0 ..]} and residuals {@code residuals[0 ..]}. */
    public void inverseNorms(int[] codes, byte[] residuals, int n, float[] out) {
        for (int t = 0; t < n; t++) {
            int c = codes[t] * dim;
            int r = t * bpt;
            float s0 = 0, s1 = 0;
            for (int b = 0; b < bpt; b++) {
                int row = (residuals[r + b] & 0xff) * per;
                int d = b * per;
                for (int j = 0; j < per; j += 2) {
                    float x0 = centroids[c + d + j] + byteValues[row + j];
                    float x1 = centroids[c + d + j + 1] + byteValues[row + j + 1];
                    s0 += x0 * x0;
                    s1 += x1 * x1;
                }
            }
            double norm = (double) s0 + s1;
            out[t] = norm > 0 ? (float) (1.0 / Math.sqrt(norm)) : 0f;
        }
    }
}
