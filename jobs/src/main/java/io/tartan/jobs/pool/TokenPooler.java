package io.tartan.jobs.pool;

import io.tartan.format.kernel.Kernels;
import io.tartan.format.kernel.VectorKernels;

import java.io.Serializable;

/**
 * Token pooling at index time ({@code pool_factor}, ColBERT's and PyLate's name and semantics): a document's token
 * vectors are clustered hierarchically with Ward linkage into {@code max(1, ⌊n / pool_factor⌋)} clusters, and each
 * cluster is stored as the mean of its tokens, scaled back to unit length. Queries are never pooled.
 *
 * <p>As in ColBERT's and PyLate's {@code pool_embeddings_hierarchical}, the points Ward clusters are the rows of the
 * document's cosine distance matrix {@code 1 − E·Eᵀ} (what scipy's {@code linkage} does with a square matrix), not
 * the token vectors themselves; two tokens are close when they are equally similar to every token of the document.
 * No token is exempt (ColBERT's indexer default, {@code protected_tokens = 0}). Unlike both, the mean is
 * re-normalised: the index's similarity is cosine MaxSim and the residual codec's statistics assume unit vectors.
 * Both choices were measured against the field's (docs/BENCHMARKS.md, "Why CISI missed"): before quantisation CISI
 * lost 0.001 nDCG@10 at factor 2 and 0.002 at 3 this way, 0.005 and 0.017 with [CLS] kept out of the clusters as
 * PyLate does ({@code protected_tokens = 1}), and 0.002 and 0.021 without re-normalising (a mean of dissimilar tokens
 * is shorter, so it scores less).
 * A cluster whose mean is the zero vector (tokens that cancel out) is stored as its first token.
 *
 * <p>The pooled vectors come in order of each cluster's first token. Deterministic: the same vectors give the same
 * output bit for bit on the same kernels. A factor of 1 returns the input array itself.
 *
 * <p>Not thread-safe (scratch arrays are reused): Spark ships each task its own copy.
 */
public final class TokenPooler implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int poolFactor;
    private transient WardClustering ward;
    private transient float[] sims;
    private transient float[] grams;
    private transient double[] dist;

    public TokenPooler(int poolFactor) {
        if (poolFactor < 1) {
            throw new IllegalArgumentException("pool_factor must be >= 1, got " + poolFactor);
        }
        this.poolFactor = poolFactor;
    }

    public int poolFactor() {
        return poolFactor;
    }

    /** Whether this pooler changes anything ({@code pool_factor > 1}). */
    public boolean pools() {
        return poolFactor > 1;
    }

    /** Vectors a document of {@code tokens} tokens keeps: {@code max(1, ⌊tokens / pool_factor⌋)}, at most tokens. */
    public int clusters(int tokens) {
        return tokens <= 1 ? tokens : Math.max(1, tokens / poolFactor);
    }

    /**
     * The pooled vectors of one document ({@code [n × dim]} row-major, unit rows) as a new {@code [c × dim]} array,
     * {@code c ≤ clusters(n)}; the input itself when nothing is pooled.
     */
    public float[] pool(float[] vectors, int dim) {
        int n = vectors.length / dim;
        int k = clusters(n);
        if (!pools() || k >= n) {
            return vectors;
        }
        ensure(n);
        VectorKernels kernels = Kernels.get();
        // rows of the cosine distance matrix are the points Ward clusters (see the class comment)
        for (int i = 0; i < n; i++) {
            sims[i * n + i] = 1 - kernels.dot(vectors, i * dim, vectors, i * dim, dim);
            for (int j = i + 1; j < n; j++) {
                float v = 1 - kernels.dot(vectors, i * dim, vectors, j * dim, dim);
                sims[i * n + j] = v;
                sims[j * n + i] = v;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                grams[i * n + j] = kernels.dot(sims, i * n, sims, j * n, n);
            }
        }
        for (int i = 0; i < n; i++) {
            double gii = grams[i * n + i];
            dist[i * n + i] = 0;
            for (int j = i + 1; j < n; j++) {
                // ‖a−b‖² = ‖a‖² + ‖b‖² − 2a·b; rounding can dip below 0 for near-identical rows, and the SIMD
                // kernels' lane reductions need not round alike from call to call, so identical tokens are set to
                // exactly 0 (they always end in one cluster, as with scipy)
                double v = identical(vectors, i, j, dim) ? 0
                        : Math.max(0, gii + grams[j * n + j] - 2.0 * grams[i * n + j]);
                dist[i * n + j] = v;
                dist[j * n + i] = v;
            }
        }
        int[] labels = ward.cluster(dist, n, k);
        return means(vectors, dim, labels);
    }

    private static boolean identical(float[] v, int i, int j, int dim) {
        return java.util.Arrays.equals(v, i * dim, i * dim + dim, v, j * dim, j * dim + dim);
    }

    private static float[] means(float[] vectors, int dim, int[] labels) {
        int c = 0;
        for (int l : labels) {
            c = Math.max(c, l + 1);
        }
        double[] sum = new double[c * dim];
        int[] first = new int[c];
        java.util.Arrays.fill(first, -1);
        for (int t = 0; t < labels.length; t++) {
            int o = labels[t] * dim;
            if (first[labels[t]] < 0) {
                first[labels[t]] = t;
            }
            for (int d = 0; d < dim; d++) {
                sum[o + d] += vectors[t * dim + d];
            }
        }
        float[] out = new float[c * dim];
        for (int l = 0; l < c; l++) {
            double sq = 0;
            for (int d = 0; d < dim; d++) {
                sq += sum[l * dim + d] * sum[l * dim + d];
            }
            if (sq > 0) {
                double inv = 1 / Math.sqrt(sq);
                for (int d = 0; d < dim; d++) {
                    out[l * dim + d] = (float) (sum[l * dim + d] * inv);
                }
            } else {
                System.arraycopy(vectors, first[l] * dim, out, l * dim, dim);
            }
        }
        return out;
    }

    private void ensure(int n) {
        if (ward == null) {
            ward = new WardClustering();
        }
        if (sims == null || sims.length < n * n) {
            sims = new float[n * n];
            grams = new float[n * n];
            dist = new double[n * n];
        }
    }

    @Override
    public String toString() {
        return "TokenPooler[pool_factor=" + poolFactor + "]";
    }
}
