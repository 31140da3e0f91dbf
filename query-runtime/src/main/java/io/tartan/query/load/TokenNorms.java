package io.tartan.query.load;

import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.codec.ResidualPacking;

import java.util.stream.IntStream;

/**
 * {@code 1 / ‖centroid + r̂‖} of every stored token, computed once at load. Decompression re-normalises
 * {@code c + r̂}; lookup-table scoring skips reconstruction, and multiplying its result by this factor makes it the
 * exact score against the decompressed vector.
 */
public final class TokenNorms {
    private TokenNorms() {
    }

    public static float[] inverseNorms(ResidualCodec codec, int[] codes, byte[] residuals, int threads) {
        int n = codes.length;
        float[] out = new float[n];
        int dim = codec.dim();
        int nbits = codec.nbits();
        int per = 8 / nbits;
        int bpt = codec.bytesPerToken();
        float[] centroids = codec.centroids();
        float[] weights = codec.bucketWeights();
        // byte value → the residual values of the `per` dims it packs
        float[] byteValues = new float[256 * per];
        int[] buckets = new int[per];
        byte[] one = new byte[1];
        for (int v = 0; v < 256; v++) {
            one[0] = (byte) v;
            ResidualPacking.unpack(one, 0, per, nbits, buckets, 0);
            for (int j = 0; j < per; j++) {
                byteValues[v * per + j] = weights[buckets[j]];
            }
        }
        int chunk = 1 << 14;
        IntStream range = IntStream.range(0, (n + chunk - 1) / chunk);
        (threads > 1 ? range.parallel() : range).forEach(ci -> {
            int end = Math.min(n, (ci + 1) * chunk);
            for (int t = ci * chunk; t < end; t++) {
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
        });
        return out;
    }
}
