package io.tartan.format.codec;

/**
 * The byte width a centroid id ("code") needs: 1 byte up to 256 centroids, 2 bytes up to 65,536, else 4. Shards store
 * codes as {@link SortedCodes} (about 1 byte a token on the benchmark, against 2 at this width and 4 in ColBERT); the
 * width remains the bound that writers check codes against and the unit of in-memory code arrays.
 */
public final class CentroidCodes {
    private CentroidCodes() {
    }

    public static int width(int numCentroids) {
        if (numCentroids <= 0) {
            throw new IllegalArgumentException("number of centroids must be positive, got " + numCentroids);
        }
        if (numCentroids <= 1 << 8) {
            return 1;
        }
        return numCentroids <= 1 << 16 ? 2 : 4;
    }
}
