package io.tartan.format.kmeans;

/** ColBERT v0.2.22's formulas for the k-means sample and the number of centroids, with a bound on cell size. */
public final class ColbertSizing {
    /** ColBERT trains on at most this many points per centroid (faiss' default cap). */
    public static final int MAX_POINTS_PER_CENTROID = 256;

    private ColbertSizing() {
    }

    /** Documents to encode for k-means: {@code min(1 + 16·√(120·nDocs), nDocs)}. */
    public static long sampleDocs(long nDocs) {
        return Math.min(1 + (long) (16 * Math.sqrt(120.0 * nDocs)), nDocs);
    }

    /**
     * Number of centroids: ColBERT's {@code 2^⌊log2(16·√nEmbeddings)⌋} (at least 1), doubled once when that would
     * leave the corpus more than {@link #MAX_POINTS_PER_CENTROID} tokens a centroid.
     *
     * <p>ColBERT's rule (also fast-plaid's and next-plaid's) makes k grow as √N, so a cell holds √N/16 tokens on
     * average, and rounding down to a power of two can take off almost half: 12M tokens (16·√N ≈ 55k) get 32,768
     * centroids, 366 tokens a cell, 2.5× the 146 of 4.8M tokens with the same k, and FAST's recall on the synthetic
     * set fell from 0.849 to 0.844 with no search setting recovering it (docs/BENCHMARKS.md). faiss subsamples
     * k-means training sets to 256 points per centroid (more hardly move a centroid; ColBERT and next-plaid keep that
     * cap), and its index guidelines give 65,536 cells already from 1M vectors up to 10M and 262,144 up to 100M:
     * more than ColBERT's rule. Doubling when the corpus exceeds 256 tokens a centroid keeps k between ColBERT's and faiss'
     * guideline: corpora under ≈8.4M tokens keep ColBERT's k exactly (every smaller index is unchanged), above
     * ≈16.8M tokens k is always 2× ColBERT's (one power of two, never more, so serving cost stays bounded).
     */
    public static int numCentroids(long nEmbeddings) {
        long n = Math.max(1, nEmbeddings);
        int log = (int) Math.floor(Math.log(16 * Math.sqrt(n)) / Math.log(2));
        int colbert = 1 << Math.max(0, Math.min(30, log));
        return n > (long) MAX_POINTS_PER_CENTROID * colbert && colbert < (1 << 30) ? colbert * 2 : colbert;
    }
}
