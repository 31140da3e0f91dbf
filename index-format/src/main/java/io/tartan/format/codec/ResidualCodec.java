package io.tartan.format.codec;

import io.tartan.format.EmbeddingChecks;
import io.tartan.format.kernel.Kernels;
import io.tartan.format.kernel.VectorKernels;

import java.util.Arrays;

/**
 * PLAID's residual codec (ColBERTv2 §3.2): a token embedding {@code v} is stored as the id of its nearest centroid
 * {@code c} plus its residual {@code v − c}, each dimension quantised to one of {@code 2^nbits} buckets.
 *
 * <p>Training follows ColBERT: {@code avg_residual} is the mean absolute residual per dimension; bucket cutoffs are
 * the quantiles of all residual values at {@code i / 2^nbits} ({@code i = 1 .. 2^nbits − 1}) and bucket weights the
 * quantiles at {@code (i + 0.5) / 2^nbits} ({@code i = 0 .. 2^nbits − 1}), with linear interpolation as in
 * {@code torch.quantile}. A residual value {@code x} falls in bucket {@code #{cutoffs < x}} ({@code torch.bucketize},
 * {@code right=False}). Decompression is {@code normalize(c + weights[bucket])}.
 *
 * <p>A codec knows the dtype its centroids are stored in ({@link CentroidDtype}). A trained codec rounds the
 * k-means centroids to that dtype first and computes every residual (training quantiles and {@link #compress})
 * against the rounded values, the ones a reader of the codec file gets back, so storing the centroids compactly
 * adds no reconstruction error of its own.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ResidualCodec {
    /** Residual values used to estimate quantiles are capped at this many (evenly strided), bounding sort time. */
    static final int MAX_QUANTILE_VALUES = 1 << 23;

    private final int dim;
    private final int nbits;
    private final int numCentroids;
    private final float[] centroids;
    private final CentroidDtype centroidDtype;
    /** The centroids as stored in the codec file; null for float32, whose block is the matrix itself. */
    private final byte[] centroidBlock;
    private final float[] avgResidual;
    private final float[] bucketCutoffs;
    private final float[] bucketWeights;
    private final int codeWidth;
    private final VectorKernels kernels;

    /** A codec over float32 centroids, used as given. */
    public ResidualCodec(int dim, int nbits, float[] centroids, float[] avgResidual, float[] bucketCutoffs,
            float[] bucketWeights) {
        this(dim, nbits, centroids, CentroidDtype.FLOAT32, null, avgResidual, bucketCutoffs, bucketWeights);
    }

    /**
     * A codec whose centroids are {@code centroids} rounded to {@code dtype}; residuals are then taken against the
     * rounded values.
     */
    public static ResidualCodec withCentroidDtype(int dim, int nbits, CentroidDtype dtype, float[] centroids,
            float[] avgResidual, float[] bucketCutoffs, float[] bucketWeights) {
        requireMatrix(centroids, dim);
        if (dtype == CentroidDtype.FLOAT32) {
            return new ResidualCodec(dim, nbits, centroids, avgResidual, bucketCutoffs, bucketWeights);
        }
        return fromBlock(dim, nbits, dtype, dtype.encode(centroids, dim), centroids.length / dim, avgResidual,
                bucketCutoffs, bucketWeights);
    }

    /** A codec over a centroid block as read from a codec file. */
    static ResidualCodec fromBlock(int dim, int nbits, CentroidDtype dtype, byte[] block, int k, float[] avgResidual,
            float[] bucketCutoffs, float[] bucketWeights) {
        float[] centroids = dtype.decode(block, k, dim);
        return new ResidualCodec(dim, nbits, centroids, dtype, dtype == CentroidDtype.FLOAT32 ? null : block,
                avgResidual, bucketCutoffs, bucketWeights);
    }

    private static void requireMatrix(float[] centroids, int dim) {
        if (dim <= 0 || centroids.length == 0 || centroids.length % dim != 0) {
            throw new IllegalArgumentException("centroids length " + centroids.length + " is not a positive multiple of dim " + dim);
        }
    }

    private ResidualCodec(int dim, int nbits, float[] centroids, CentroidDtype centroidDtype, byte[] centroidBlock,
            float[] avgResidual, float[] bucketCutoffs, float[] bucketWeights) {
        ResidualPacking.requireSupported(dim, nbits);
        if (centroids.length == 0 || centroids.length % dim != 0) {
            throw new IllegalArgumentException("centroids length " + centroids.length + " is not a positive multiple of dim " + dim);
        }
        requireLength("avg_residual", avgResidual, dim);
        requireLength("bucket_cutoffs", bucketCutoffs, (1 << nbits) - 1);
        requireLength("bucket_weights", bucketWeights, 1 << nbits);
        this.dim = dim;
        this.nbits = nbits;
        this.numCentroids = centroids.length / dim;
        this.centroids = centroids;
        this.centroidDtype = centroidDtype;
        this.centroidBlock = centroidBlock;
        this.avgResidual = avgResidual;
        this.bucketCutoffs = bucketCutoffs;
        this.bucketWeights = bucketWeights;
        this.codeWidth = CentroidCodes.width(numCentroids);
        this.kernels = Kernels.get();
    }

    private static void requireLength(String what, float[] a, int n) {
        if (a.length != n) {
            throw new IllegalArgumentException(what + " must have " + n + " values, got " + a.length);
        }
    }

    /**
     * Trains the codec from sample embeddings and their centroid assignments, with int8 centroids
     * ({@link CentroidDtype#INT8}, the compact default: a quarter of float32's bytes for recall@10 within ±0.002 on the
     * synthetic benchmark, see docs/bench/query-runtime.md).
     *
     * @param centroids  {@code [k × dim]} row-major
     * @param sample     {@code [n × dim]} row-major embeddings (a held-out sample in ColBERT)
     * @param sampleCodes nearest-centroid id of each sample row, or {@code null} to compute them here
     */
    public static ResidualCodec train(int dim, int nbits, float[] centroids, float[] sample, int[] sampleCodes) {
        return train(dim, nbits, CentroidDtype.INT8, centroids, sample, sampleCodes);
    }

    /**
     * Trains the codec with centroids stored in {@code dtype}: the centroids are rounded to it first and the
     * residual statistics are taken against the rounded values. Codes computed against the unrounded centroids are
     * fine: the rounding moves a centroid far less than the gap to the next-nearest one.
     */
    public static ResidualCodec train(int dim, int nbits, CentroidDtype dtype, float[] trainedCentroids, float[] sample,
            int[] sampleCodes) {
        ResidualPacking.requireSupported(dim, nbits);
        requireMatrix(trainedCentroids, dim);
        float[] centroids = dtype == CentroidDtype.FLOAT32 ? trainedCentroids : dtype.round(trainedCentroids, dim);
        EmbeddingChecks.requireMatrix("codec training sample", sample, dim);
        int n = sample.length / dim;
        if (n == 0) {
            throw new IllegalArgumentException("codec training sample is empty");
        }
        int[] codes = sampleCodes != null ? sampleCodes : assign(Kernels.get(), centroids, dim, sample);
        if (codes.length != n) {
            throw new IllegalArgumentException("sample has " + n + " rows but " + codes.length + " codes");
        }
        double[] absSum = new double[dim];
        int stride = (int) Math.max(1, ((long) n * dim + MAX_QUANTILE_VALUES - 1) / MAX_QUANTILE_VALUES);
        float[] values = new float[(int) (((long) n * dim + stride - 1) / stride)];
        int nv = 0;
        long flat = 0;
        for (int t = 0; t < n; t++) {
            int c = codes[t] * dim;
            for (int d = 0; d < dim; d++, flat++) {
                float r = sample[t * dim + d] - centroids[c + d];
                absSum[d] += Math.abs(r);
                if (flat % stride == 0 && nv < values.length) {
                    values[nv++] = r;
                }
            }
        }
        float[] avg = new float[dim];
        for (int d = 0; d < dim; d++) {
            avg[d] = (float) (absSum[d] / n);
        }
        float[] sorted = Arrays.copyOf(values, nv);
        Arrays.sort(sorted);
        int buckets = 1 << nbits;
        float[] cutoffs = new float[buckets - 1];
        for (int i = 1; i < buckets; i++) {
            cutoffs[i - 1] = quantile(sorted, (double) i / buckets);
        }
        float[] weights = new float[buckets];
        for (int i = 0; i < buckets; i++) {
            weights[i] = quantile(sorted, (i + 0.5) / buckets);
        }
        return withCentroidDtype(dim, nbits, dtype, trainedCentroids, avg, cutoffs, weights);
    }

    /** {@code torch.quantile} with linear interpolation over a sorted array. */
    static float quantile(float[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return (float) (sorted[lo] + (sorted[hi] - sorted[lo]) * frac);
    }

    /** Nearest centroid (max inner product) of every row, by brute force. */
    public static int[] assign(VectorKernels k, float[] centroids, int dim, float[] vectors) {
        int n = vectors.length / dim;
        int kc = centroids.length / dim;
        int[] out = new int[n];
        for (int t = 0; t < n; t++) {
            out[t] = k.argmaxDot(vectors, t * dim, centroids, kc, dim);
        }
        return out;
    }

    /** Nearest centroid of every row of {@code vectors}. */
    public int[] assign(float[] vectors) {
        return assign(kernels, centroids, dim, vectors);
    }

    /**
     * Compresses {@code n} token embeddings whose centroid codes are already known.
     *
     * @return packed residuals, {@link #bytesPerToken()} per token
     */
    public byte[] compress(float[] vectors, int[] codes) {
        EmbeddingChecks.requireMatrix("token embeddings", vectors, dim);
        int n = vectors.length / dim;
        if (codes.length != n) {
            throw new IllegalArgumentException(n + " vectors but " + codes.length + " codes");
        }
        int bpt = bytesPerToken();
        byte[] out = new byte[n * bpt];
        int[] buckets = new int[dim];
        for (int t = 0; t < n; t++) {
            int code = codes[t];
            if (code < 0 || code >= numCentroids) {
                throw new IllegalArgumentException("code " + code + " out of range [0, " + numCentroids + ")");
            }
            int c = code * dim;
            for (int d = 0; d < dim; d++) {
                buckets[d] = bucketOf(vectors[t * dim + d] - centroids[c + d]);
            }
            ResidualPacking.pack(buckets, 0, dim, nbits, out, t * bpt);
        }
        return out;
    }

    private int bucketOf(float residual) {
        int b = 0;
        while (b < bucketCutoffs.length && bucketCutoffs[b] < residual) {
            b++;
        }
        return b;
    }

    /** Assigns and compresses: the result's codes and residuals describe {@code vectors}. */
    public Compressed compress(float[] vectors) {
        int[] codes = assign(vectors);
        return new Compressed(codes, compress(vectors, codes));
    }

    /** A compressed token matrix. */
    public record Compressed(int[] codes, byte[] residuals) {
    }

    /**
     * Reconstructs {@code n} tokens: {@code out[t] = normalize(centroid[codes[t]] + weights[buckets(t)])}.
     *
     * @param residuals packed residuals starting at {@code rOff}, {@link #bytesPerToken()} per token
     * @param out       receives {@code n × dim} floats at {@code outOff}
     */
    public void decompress(int[] codes, int cOff, byte[] residuals, int rOff, int n, float[] out, int outOff) {
        int[] table = ResidualPacking.unpackTable(nbits);
        int per = 8 / nbits;
        int bpt = bytesPerToken();
        for (int t = 0; t < n; t++) {
            int c = codes[cOff + t] * dim;
            int o = outOff + t * dim;
            int r = rOff + t * bpt;
            for (int i = 0; i < bpt; i++) {
                int row = (residuals[r + i] & 0xff) * per;
                for (int j = 0; j < per; j++) {
                    int d = i * per + j;
                    out[o + d] = centroids[c + d] + bucketWeights[table[row + j]];
                }
            }
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                norm += out[o + d] * out[o + d];
            }
            float inv = norm > 0 ? (float) (1.0 / Math.sqrt(norm)) : 0f;
            for (int d = 0; d < dim; d++) {
                out[o + d] *= inv;
            }
        }
    }

    /** Decompresses a whole token matrix. */
    public float[] decompress(int[] codes, byte[] residuals) {
        float[] out = new float[codes.length * dim];
        decompress(codes, 0, residuals, 0, codes.length, out, 0);
        return out;
    }

    public int dim() {
        return dim;
    }

    public int nbits() {
        return nbits;
    }

    public int numCentroids() {
        return numCentroids;
    }

    public int codeWidth() {
        return codeWidth;
    }

    public int bytesPerToken() {
        return ResidualPacking.bytesPerToken(dim, nbits);
    }

    /** The centroid matrix {@code [k × dim]}; callers must not modify it. */
    public float[] centroids() {
        return centroids;
    }

    /** The dtype the centroids are stored in; {@link #centroids()} holds exactly the values it represents. */
    public CentroidDtype centroidDtype() {
        return centroidDtype;
    }

    /** The centroid block of the codec file in {@link #centroidDtype()}. */
    byte[] centroidBlock() {
        return centroidBlock != null ? centroidBlock : centroidDtype.encode(centroids, dim);
    }

    public float[] avgResidual() {
        return avgResidual.clone();
    }

    public float[] bucketCutoffs() {
        return bucketCutoffs.clone();
    }

    public float[] bucketWeights() {
        return bucketWeights.clone();
    }
}
