package io.tartan.format.kmeans;

/**
 * The centroids of an index clustered into groups (a coarse level over the fine centroids): group centres, and each
 * group's members listed contiguously. The build's {@link TwoLevelAssigner} and the query runtime's coarse centroid
 * search both stand on it; the same centroids, groups and seed give the same grouping.
 *
 * @param centres {@code [groups × dim]}, normalised (spherical k-means over the centroids)
 * @param start   group {@code g}'s members are {@code members[start[g] .. start[g + 1])}, ascending
 * @param members every centroid id exactly once, grouped
 * @param groupOf the group of each centroid
 */
public record CentroidGrouping(float[] centres, int dim, int[] start, int[] members, int[] groupOf) {
    /** Lloyd iterations used to group the centroids; grouping quality saturates quickly. */
    static final int GROUPING_ITERS = 8;
    /**
     * Version of the way {@link #of} groups. A grouping kept outside the process (the query runtime's cache file of
     * it) records the version it was made with and is remade under another one, so bump it with any change that can
     * give other groups for the same centroids, group count and seed: iterations, the k-means, the assignment.
     */
    public static final int ALGORITHM_VERSION = 1;

    /** The default number of groups for {@code k} centroids: the power of two nearest √(2k), at least 1. */
    public static int defaultGroups(int k) {
        return Math.max(1, Integer.highestOneBit((int) Math.round(Math.sqrt(k) * Math.sqrt(2))));
    }

    /** The number of groups {@link #of} makes of {@code k} centroids when asked for {@code groups}. */
    public static int groups(int k, int groups) {
        return Math.min(k, groups <= 0 ? defaultGroups(k) : groups);
    }

    /**
     * Groups {@code centroids} ({@code [k × dim]}) by k-means over them.
     *
     * @param groups number of groups ({@code ≤ 0}: {@link #defaultGroups}); at most k
     * @param seed   seeds the grouping k-means
     */
    public static CentroidGrouping of(float[] centroids, int dim, int groups, long seed) {
        int k = centroids.length / dim;
        int g = groups(k, groups);
        float[] centres = KMeans.fit(centroids, dim, new KMeans.Params(g, GROUPING_ITERS, seed, false)).centroids();
        return of(centres, dim, new BruteForceAssigner(centres, dim).assign(centroids));
    }

    /**
     * The grouping with these centres and this group of each centroid: the member lists follow from {@code groupOf}
     * alone, so a grouping kept as centres and group ids comes back bit for bit as {@link #of} made it.
     *
     * @throws IllegalArgumentException if a group id is not one of the centres'
     */
    public static CentroidGrouping of(float[] centres, int dim, int[] groupOf) {
        int g = centres.length / dim;
        int k = groupOf.length;
        int[] start = new int[g + 1];
        for (int c : groupOf) {
            if (c < 0 || c >= g) {
                throw new IllegalArgumentException("group id " + c + " outside 0 … " + (g - 1));
            }
            start[c + 1]++;
        }
        for (int i = 0; i < g; i++) {
            start[i + 1] += start[i];
        }
        int[] fill = start.clone();
        int[] members = new int[k];
        for (int c = 0; c < k; c++) {
            members[fill[groupOf[c]]++] = c;
        }
        return new CentroidGrouping(centres, dim, start, members, groupOf);
    }

    public int groups() {
        return start.length - 1;
    }

    public int numCentroids() {
        return members.length;
    }

    public int size(int g) {
        return start[g + 1] - start[g];
    }
}
