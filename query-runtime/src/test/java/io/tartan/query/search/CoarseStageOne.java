package io.tartan.query.search;

import io.tartan.query.IndexSnapshot;

/**
 * What the last {@code ngroups} query on this thread scored in stage 1, for tests outside the package: the per-token
 * scores, the full product they must equal, and the groups.
 */
public final class CoarseStageOne {
    private CoarseStageOne() {
    }

    /** Token i against centroid c in the last coarse query on this thread; NaN where the pair was not scored. */
    public static float scoredPair(int i, int c) {
        return CoarseCentroidScores.get().scoredPair(i, c);
    }

    /** The full {@code Q·Cᵀ} of {@code query} as FAST's full path computes it, {@code [k × nqPad]}. */
    public static float[] fullProduct(IndexSnapshot snap, float[] query) {
        Searcher searcher = new Searcher();
        QueryMatrix q = QueryMatrix.of(query, snap.dim());
        float[] out = new float[snap.numCentroids() * q.nqPad()];
        searcher.kernels().centroidScores(q.transposed(), q.nqPad(), snap.centroidBlocks(searcher.kernels()), out);
        return out;
    }

    public static int groupOf(IndexSnapshot snap, int c) {
        return snap.centroidGroups().grouping.groupOf()[c];
    }

    public static int groupSize(IndexSnapshot snap, int group) {
        return snap.centroidGroups().grouping.size(group);
    }
}
