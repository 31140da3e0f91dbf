package io.tartan.format.kmeans;

/** ColBERT v0.2.22's formulas for the k-means sample and the number of centroids. */
public final class ColbertSizing {
    /** ColBERT trains on at most this many points per centroid (faiss' default cap). */
    public static final int MAX_POINTS_PER_CENTROID = 256;

    private ColbertSizing() {
    }

    /** Documents to encode for k-means: {@code min(1 + 16·√(120·nDocs), nDocs)}. */
    public static long sampleDocs(long nDocs) {
        return Math.min(1 + (long) (16 * Math.sqrt(120.0 * nDocs)), nDocs);
    }

    /** Number of centroids: {@code 2^⌊log2(16·√nEmbeddings)⌋}, at least 1. */
    public static int numCentroids(long nEmbeddings) {
        double target = 16 * Math.sqrt(Math.max(1, nEmbeddings));
        int log = (int) Math.floor(Math.log(target) / Math.log(2));
        return 1 << Math.max(0, Math.min(30, log));
    }
}
