package io.tartan.format.kmeans;

import io.tartan.format.kernel.Kernels;
import io.tartan.format.kernel.VectorKernels;

/** Exact assignment: every vector against every centroid, {@code k·dim} multiply-adds per vector. */
public final class BruteForceAssigner implements CentroidAssigner {
    private static final long serialVersionUID = 1L;
    /** Centroids scored per kernel call: large enough to amortise the call, small enough to stay in L1/L2. */
    private static final int BLOCK = 512;

    private final float[] centroids;
    private final int dim;
    private final int k;

    public BruteForceAssigner(float[] centroids, int dim) {
        if (dim <= 0 || centroids.length == 0 || centroids.length % dim != 0) {
            throw new IllegalArgumentException("centroids length " + centroids.length + " is not a positive multiple of dim " + dim);
        }
        this.centroids = centroids;
        this.dim = dim;
        this.k = centroids.length / dim;
    }

    @Override
    public int numCentroids() {
        return k;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public float[] centroids() {
        return centroids;
    }

    @Override
    public void assign(float[] vectors, int off, int n, int[] codes, float[] scores) {
        VectorKernels kernels = Kernels.get();
        float[] buf = new float[Math.min(k, BLOCK)];
        for (int t = 0; t < n; t++) {
            int v = off + t * dim;
            int best = 0;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int start = 0; start < k; start += buf.length) {
                int rows = Math.min(buf.length, k - start);
                kernels.dots(vectors, v, centroids, start * dim, rows, dim, buf, 0);
                for (int r = 0; r < rows; r++) {
                    if (buf[r] > bestScore) {
                        bestScore = buf[r];
                        best = start + r;
                    }
                }
            }
            codes[t] = best;
            if (scores != null) {
                scores[t] = bestScore;
            }
        }
    }
}
