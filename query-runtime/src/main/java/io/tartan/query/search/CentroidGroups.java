package io.tartan.query.search;

import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.kernel.CentroidBlocks;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.format.kmeans.CentroidGrouping;
import io.tartan.query.segment.CentroidGroupingCache;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * A coarse level over an index's centroids for FAST search's {@code ngroups} setting ({@link CoarseCentroidScores}):
 * the centroids grouped by k-means over them ({@link CentroidGrouping}, √(2k) groups, as the build's two-level
 * assignment groups them), each group's member vectors copied contiguously, 16 centroids dim-major a block ({@link
 * LateInteractionKernels#tokenScores}' layout), so one query token is scored against a group with one small product.
 * O(centroids) heap: one more copy of the centroid matrix (each group padded to 16) and a group id per centroid.
 *
 * <p>Made on first use per codec and shared by every snapshot that serves the same codec object (a reload that
 * keeps the codec keeps its groups). The grouping itself comes from the {@link CentroidGroupingCache}: k-means runs
 * once per set of centroids, not at every server start; it is deterministic (fixed seed), so a rebuild gives the same
 * groups.
 */
public final class CentroidGroups {
    /** Seeds the grouping k-means: a fixed seed makes the grouping, and so search results, reproducible. */
    public static final long SEED = 0x7a27a9L;
    private static final Map<ResidualCodec, CentroidGroups> BY_CODEC = new WeakHashMap<>();

    final CentroidGrouping grouping;
    /**
     * Group g's member vectors in {@code grouping.members()} order, blocked 16 centroids at a time ({@link
     * CentroidBlocks#blocked} with width {@link LateInteractionKernels#QUERY_PAD}).
     */
    final float[][] blocks;
    /** Time the groups took to make (grouping read from the cache or built, members copied), ms. */
    final long buildMillis;

    private CentroidGroups(float[] centroids, int dim, CentroidGroupingCache cache) {
        long t0 = System.nanoTime();
        this.grouping = cache.grouping(centroids, dim, 0, SEED);
        int g = grouping.groups();
        this.blocks = new float[g][];
        int[] members = grouping.members();
        for (int i = 0; i < g; i++) {
            int from = grouping.start()[i];
            float[] v = new float[grouping.size(i) * dim];
            for (int j = 0; j < grouping.size(i); j++) {
                System.arraycopy(centroids, members[from + j] * dim, v, j * dim, dim);
            }
            blocks[i] = CentroidBlocks.blocked(v, grouping.size(i), dim, LateInteractionKernels.QUERY_PAD).blocks();
        }
        this.buildMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** The groups of {@code codec}'s centroids, made on the first call for that codec. */
    public static CentroidGroups of(ResidualCodec codec, CentroidGroupingCache cache) {
        synchronized (BY_CODEC) {
            return BY_CODEC.computeIfAbsent(codec, c -> new CentroidGroups(c.centroids(), c.dim(), cache));
        }
    }

    public int groups() {
        return grouping.groups();
    }

    public CentroidGrouping grouping() {
        return grouping;
    }

    public long buildMillis() {
        return buildMillis;
    }

    /** Heap bytes: the grouped (blocked) centroid copy, group ids and member lists, group centres. */
    public long heapBytes() {
        long k = grouping.numCentroids();
        long copy = 0;
        for (float[] b : blocks) {
            copy += b.length;
        }
        return 4L * (copy + 2 * k + grouping.centres().length + grouping.groups() + 1);
    }
}
