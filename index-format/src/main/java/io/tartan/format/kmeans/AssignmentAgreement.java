package io.tartan.format.kmeans;

/** How often an approximate assigner picks exactly the centroid brute force picks, and what a miss costs. */
public final class AssignmentAgreement {
    private AssignmentAgreement() {
    }

    /**
     * Compares {@code approx} with brute force on {@code sample} ({@code [n × dim]}).
     *
     * @return the share of exact matches and the mean score lost on a miss
     */
    public static Result measure(CentroidAssigner approx, float[] sample) {
        int dim = approx.dim();
        int n = sample.length / dim;
        int[] a = new int[n];
        float[] as = new float[n];
        int[] b = new int[n];
        float[] bs = new float[n];
        approx.assign(sample, 0, n, a, as);
        new BruteForceAssigner(approx.centroids(), dim).assign(sample, 0, n, b, bs);
        long same = 0;
        double lost = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] == b[i]) {
                same++;
            } else {
                lost += bs[i] - as[i];
            }
        }
        long misses = n - same;
        return new Result(n, n == 0 ? 1 : (double) same / n, misses == 0 ? 0 : lost / misses);
    }

    /**
     * @param sampled        vectors compared
     * @param exactShare     share assigned exactly as brute force
     * @param meanScoreLoss  mean (best − found) inner product over the misses
     */
    public record Result(int sampled, double exactShare, double meanScoreLoss) {
    }
}
