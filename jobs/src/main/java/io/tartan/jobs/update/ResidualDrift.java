package io.tartan.jobs.update;

import io.tartan.format.codec.ResidualCodec;

import java.io.Serializable;

/**
 * How far new token vectors lie from a frozen codec, in the codec's own terms: the codec file records
 * {@code avg_residual}, the mean absolute residual per dimension over its training sample, so the same statistic over
 * new tokens says whether the centroids still describe the corpus.
 *
 * <ul>
 *   <li>{@link #avgAbsResidual()}: mean |v − c| over dimensions and new tokens (the codec's is the mean of its
 *       {@code avg_residual});</li>
 *   <li>{@link #farShare()}: share of new tokens whose own mean |residual| exceeds {@code farFactor} times the
 *       codec's: tokens no centroid is near, whose residuals the frozen buckets clip.</li>
 * </ul>
 * Partial results from Spark tasks {@link #merge} exactly (sums and counts).
 */
public final class ResidualDrift implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] absSum;
    private long tokens;
    private long farTokens;

    public ResidualDrift(int dim) {
        this.absSum = new double[dim];
    }

    /** The codec's mean absolute residual: the mean of its per-dimension {@code avg_residual}. */
    public static double codecAvgAbsResidual(ResidualCodec codec) {
        double s = 0;
        for (float a : codec.avgResidual()) {
            s += a;
        }
        return s / codec.dim();
    }

    /** Adds one document's tokens ({@code [n × dim]}) against the codec's nearest centroids. */
    public ResidualDrift add(ResidualCodec codec, float[] vectors, double farFactor) {
        int dim = absSum.length;
        int[] codes = codec.assign(vectors);
        float[] centroids = codec.centroids();
        double far = farFactor * codecAvgAbsResidual(codec) * dim;
        for (int t = 0; t < codes.length; t++) {
            int v = t * dim;
            int c = codes[t] * dim;
            double tokenSum = 0;
            for (int d = 0; d < dim; d++) {
                double r = Math.abs(vectors[v + d] - centroids[c + d]);
                absSum[d] += r;
                tokenSum += r;
            }
            if (tokenSum > far) {
                farTokens++;
            }
        }
        tokens += codes.length;
        return this;
    }

    public ResidualDrift merge(ResidualDrift o) {
        for (int d = 0; d < absSum.length; d++) {
            absSum[d] += o.absSum[d];
        }
        tokens += o.tokens;
        farTokens += o.farTokens;
        return this;
    }

    public long tokens() {
        return tokens;
    }

    public double farShare() {
        return tokens == 0 ? 0 : (double) farTokens / tokens;
    }

    public double avgAbsResidual() {
        if (tokens == 0) {
            return 0;
        }
        double s = 0;
        for (double a : absSum) {
            s += a;
        }
        return s / absSum.length / tokens;
    }
}
