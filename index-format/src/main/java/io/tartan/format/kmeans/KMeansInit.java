package io.tartan.format.kmeans;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Seeded initialisation: the {@code k} points whose {@link SampleKeys} are smallest become the first centroids
 * (faiss picks a random subset of the sample too). Keys depend only on the seed and each point's id, so a
 * distributed job that takes the same {@code k} smallest keys (Spark's {@code takeOrdered}) starts from the same
 * centroids as {@link KMeans}.
 */
public final class KMeansInit {
    /** Salt that separates the init keys from other samples drawn with the same seed. */
    public static final long SALT = 0x4B4D_494E_4954L;

    private KMeansInit() {
    }

    /** The init key of the point with id {@code pointId}. */
    public static long key(long seed, long pointId) {
        return SampleKeys.key(seed ^ SALT, pointId, 0);
    }

    /**
     * The first centroids: rows of {@code points} ({@code [n × dim]}, ids {@code 0 .. n)}) with the smallest keys,
     * ordered by key, normalised.
     */
    public static float[] pick(float[] points, int dim, int k, long seed) {
        int n = points.length / dim;
        if (k > n) {
            throw new IllegalArgumentException("cannot pick " + k + " initial centroids from " + n + " points");
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = key(seed, i);
        }
        int[] chosen = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> keys[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
        float[] out = new float[k * dim];
        for (int c = 0; c < k; c++) {
            System.arraycopy(points, chosen[c] * dim, out, c * dim, dim);
            CentroidUpdate.normalize(out, c * dim, dim);
        }
        return out;
    }

    /** Orders (key, id) pairs as {@link #pick} does: by key, then by id. */
    public static int compare(long keyA, long idA, long keyB, long idB) {
        int c = Long.compare(keyA, keyB);
        return c != 0 ? c : Long.compare(idA, idB);
    }
}
