package io.tartan.format.kmeans;

import io.tartan.format.kernel.Kernels;
import io.tartan.format.kernel.VectorKernels;

/**
 * Approximate nearest-centroid search in two levels. The {@code k} centroids are themselves clustered into
 * {@code g} groups (about √k); a vector is scored against the {@code g} group centres, then against the members of
 * its {@code nprobe} best groups only. With k = 16,384, g = 128 and nprobe = 8 that is about 1,200 dot products per
 * vector instead of 16,384. Members of a group are stored contiguously so each probe is one SIMD block product.
 *
 * <p>The answer differs from brute force only when the true nearest centroid sits in a group outside the probed
 * ones; then the centroid found is still a near one, which costs residual precision, not correctness (a residual
 * codec compresses any vector against any centroid). {@link AssignmentAgreement} measures how often it differs.
 */
public final class TwoLevelAssigner implements CentroidAssigner {
    private static final long serialVersionUID = 1L;
    private final float[] centroids;
    private final int dim;
    private final int k;
    private final int nprobe;
    private final float[] groupCentres;
    private final int groups;
    private final int[] groupStart;
    private final int[] members;
    /**
     * Each group's members dim-major ({@code [dim × cols(g)]}, columns padded with zeros to a multiple of 16) at
     * {@code blockStart[g]}: scored with {@link VectorKernels#dotsColumnMajor}, lanes across centroids, no
     * horizontal sums.
     */
    private final float[] blocks;
    private final int[] blockStart;
    /** The group centres dim-major, {@code [dim × padded(groups)]}. */
    private final float[] centresT;

    private TwoLevelAssigner(float[] centroids, int dim, int nprobe, float[] groupCentres, int[] groupStart,
            int[] members) {
        this.centroids = centroids;
        this.dim = dim;
        this.k = centroids.length / dim;
        this.nprobe = nprobe;
        this.groupCentres = groupCentres;
        this.groups = groupCentres.length / dim;
        this.groupStart = groupStart;
        this.members = members;
        int gc = padded(groups);
        this.centresT = new float[dim * gc];
        for (int g = 0; g < groups; g++) {
            for (int d = 0; d < dim; d++) {
                centresT[d * gc + g] = groupCentres[g * dim + d];
            }
        }
        this.blockStart = new int[groups + 1];
        for (int g = 0; g < groups; g++) {
            blockStart[g + 1] = blockStart[g] + dim * padded(groupStart[g + 1] - groupStart[g]);
        }
        this.blocks = new float[blockStart[groups]];
        for (int g = 0; g < groups; g++) {
            int cols = padded(groupStart[g + 1] - groupStart[g]);
            for (int j = groupStart[g]; j < groupStart[g + 1]; j++) {
                int c = j - groupStart[g];
                for (int d = 0; d < dim; d++) {
                    blocks[blockStart[g] + d * cols + c] = centroids[members[j] * dim + d];
                }
            }
        }
    }

    private static int padded(int size) {
        return (size + 15) & ~15;
    }

    /** The default number of groups for {@code k} centroids: the power of two nearest √(2k), at least 1. */
    public static int defaultGroups(int k) {
        return CentroidGrouping.defaultGroups(k);
    }

    /**
     * Groups {@code centroids} and returns the assigner.
     *
     * @param groups number of groups ({@code ≤ 0}: {@link #defaultGroups})
     * @param nprobe groups searched per vector (clamped to the number of groups)
     * @param seed   seeds the grouping k-means
     */
    public static TwoLevelAssigner build(float[] centroids, int dim, int groups, int nprobe, long seed) {
        CentroidGrouping grouping = CentroidGrouping.of(centroids, dim, groups, seed);
        int g = grouping.groups();
        return new TwoLevelAssigner(centroids, dim, Math.max(1, Math.min(nprobe, g)), grouping.centres(),
                grouping.start(), grouping.members());
    }

    @Override
    public int numCentroids() {
        return k;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public float[] centroids() {
        return centroids;
    }

    public int groups() {
        return groups;
    }

    public int nprobe() {
        return nprobe;
    }

    /** Mean number of centroids scored per vector if groups were probed uniformly (a cost estimate for logs). */
    public double expectedScoredPerVector() {
        return groups + (double) k * nprobe / groups;
    }

    /**
     * Assigns in two passes over the block so the fine step is cache-friendly: first every vector picks its
     * {@code nprobe} groups, then each group's members (a few dozen KB) are scored against all the vectors that
     * probe it while they sit in L1/L2. Scoring vector by vector instead streams ~nprobe·64 KB of centroids from
     * L3 per vector, which made the fine step memory-bound and several times slower. The result is the same: each
     * vector keeps its best-scoring centroid, ties to the smaller id, whatever order the groups are visited in.
     */
    @Override
    public void assign(float[] vectors, int off, int n, int[] codes, float[] scores) {
        VectorKernels kernels = Kernels.get();
        float[] coarse = new float[padded(groups)];
        int[] probe = new int[nprobe];
        float[] probeScore = new float[nprobe];
        int[] perGroup = new int[groups + 1];
        int[] probes = new int[n * nprobe];
        int[] probed = new int[n];
        for (int t = 0; t < n; t++) {
            kernels.dotsColumnMajor(vectors, off + t * dim, centresT, 0, coarse.length, dim, coarse, 0);
            probed[t] = topGroups(coarse, probe, probeScore);
            for (int p = 0; p < probed[t]; p++) {
                probes[t * nprobe + p] = probe[p];
                perGroup[probe[p] + 1]++;
            }
        }
        for (int g = 0; g < groups; g++) {
            perGroup[g + 1] += perGroup[g];
        }
        int[] fill = perGroup.clone();
        int[] byGroup = new int[perGroup[groups]];
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < probed[t]; p++) {
                byGroup[fill[probes[t * nprobe + p]]++] = t;
            }
        }
        float[] bestScore = new float[n];
        java.util.Arrays.fill(bestScore, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(codes, 0, n, -1);
        float[] fine = new float[padded(maxGroupSize())];
        for (int g = 0; g < groups; g++) {
            int s = groupStart[g];
            int size = groupStart[g + 1] - s;
            int cols = padded(size);
            for (int j = perGroup[g]; j < perGroup[g + 1]; j++) {
                int t = byGroup[j];
                kernels.dotsColumnMajor(vectors, off + t * dim, blocks, blockStart[g], cols, dim, fine, 0);
                float best = bestScore[t];
                int bestId = codes[t];
                for (int i = 0; i < size; i++) {
                    float sc = fine[i];
                    int id = members[s + i];
                    if (sc > best || (sc == best && id < bestId)) {
                        best = sc;
                        bestId = id;
                    }
                }
                bestScore[t] = best;
                codes[t] = bestId;
            }
        }
        if (scores != null) {
            System.arraycopy(bestScore, 0, scores, 0, n);
        }
    }

    /** Indices of the {@code nprobe} best non-empty groups, by insertion into a tiny sorted list. */
    private int topGroups(float[] coarse, int[] probe, float[] probeScore) {
        int size = 0;
        for (int g = 0; g < groups; g++) {
            if (groupStart[g + 1] == groupStart[g]) {
                continue;
            }
            float s = coarse[g];
            if (size == nprobe && s <= probeScore[size - 1]) {
                continue;
            }
            int i = size == nprobe ? size - 1 : size++;
            while (i > 0 && probeScore[i - 1] < s) {
                probe[i] = probe[i - 1];
                probeScore[i] = probeScore[i - 1];
                i--;
            }
            probe[i] = g;
            probeScore[i] = s;
        }
        return size;
    }

    private int maxGroupSize() {
        int m = 0;
        for (int g = 0; g < groups; g++) {
            m = Math.max(m, groupStart[g + 1] - groupStart[g]);
        }
        return m;
    }
}
