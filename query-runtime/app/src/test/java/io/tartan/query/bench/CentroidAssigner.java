package io.tartan.query.bench;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Brute-force nearest centroid (max inner product) for many vectors, cache-blocked: vectors are transposed 16 at a
 * time into the query layout of {@link LateInteractionKernels#centroidScores}, and centroids are visited in chunks
 * that stay in L2 while a block of vectors streams past them.
 */
final class CentroidAssigner {
    private static final int LANES = LateInteractionKernels.QUERY_PAD;
    private static final int CHUNK = 512;
    private static final int SUPER = 4096;

    private CentroidAssigner() {
    }

    static int[] assign(float[] vectors, int n, float[] centroids, int dim, boolean parallel) {
        LateInteractionKernels kernels = InteractionKernels.get();
        int k = centroids.length / dim;
        float[][] chunks = new float[(k + CHUNK - 1) / CHUNK][];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = Arrays.copyOfRange(centroids, i * CHUNK * dim, Math.min(k, (i + 1) * CHUNK) * dim);
        }
        int[] out = new int[n];
        IntStream supers = IntStream.range(0, (n + SUPER - 1) / SUPER);
        (parallel ? supers.parallel() : supers).forEach(sb -> {
            int from = sb * SUPER;
            int to = Math.min(n, from + SUPER);
            int blocks = (to - from + LANES - 1) / LANES;
            float[] qt = new float[blocks * dim * LANES];
            for (int t = from; t < to; t++) {
                int b = (t - from) / LANES;
                int i = (t - from) % LANES;
                for (int d = 0; d < dim; d++) {
                    qt[b * dim * LANES + d * LANES + i] = vectors[t * dim + d];
                }
            }
            float[] best = new float[blocks * LANES];
            Arrays.fill(best, Float.NEGATIVE_INFINITY);
            int[] arg = new int[blocks * LANES];
            float[] scores = new float[CHUNK * LANES];
            float[] block = new float[dim * LANES];
            for (int ci = 0; ci < chunks.length; ci++) {
                int kc = chunks[ci].length / dim;
                for (int b = 0; b < blocks; b++) {
                    System.arraycopy(qt, b * dim * LANES, block, 0, dim * LANES);
                    kernels.centroidScores(block, LANES, chunks[ci], kc, dim, scores);
                    for (int c = 0; c < kc; c++) {
                        for (int i = 0; i < LANES; i++) {
                            float s = scores[c * LANES + i];
                            if (s > best[b * LANES + i]) {
                                best[b * LANES + i] = s;
                                arg[b * LANES + i] = ci * CHUNK + c;
                            }
                        }
                    }
                }
            }
            System.arraycopy(arg, 0, out, from, to - from);
        });
        return out;
    }
}
