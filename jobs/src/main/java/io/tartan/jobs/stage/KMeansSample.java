package io.tartan.jobs.stage;

import io.tartan.format.kmeans.SampleKeys;
import org.apache.spark.api.java.JavaRDD;

import java.util.ArrayList;
import java.util.List;

/**
 * Which documents and tokens k-means learns from. Documents are drawn by a seeded hash of the pid (share =
 * sample_docs / N, ColBERT's {@code 1 + 16·√(120·N)} by default), so the choice needs no driver-side list and is the
 * same on every run; then tokens are thinned the same way to at most {@code kmeans_max_points_per_centroid · k}
 * points (faiss' cap, which ColBERT inherits).
 */
public final class KMeansSample {
    private static final long DOC_SALT = 0x53414D50_4C45L;
    private static final long TOKEN_SALT = 0x544F4B45_4E53L;
    private static final long HELDOUT_SALT = 0x48454C44_4F55L;
    /**
     * Share of sample tokens held out of k-means to train the residual codec, as ColBERT does (5%): residual
     * statistics of tokens the centroids were not fitted to are the ones new documents will show.
     */
    public static final double HELDOUT_SHARE = 0.05;
    /** Points per block: big enough to amortise a task's overhead, small enough to spill. */
    private static final int BLOCK_POINTS = 1 << 16;

    private KMeansSample() {
    }

    public static boolean docInSample(long pid, double share, long seed) {
        return share >= 1 || SampleKeys.unit(seed ^ DOC_SALT, pid, 0) < share;
    }

    /**
     * Points of the sample documents, in blocks, each point id {@code pid·2^20 + token}: the k-means training
     * points (the kept tokens that are not held out), or the held-out tokens.
     *
     * @param keepShare share of training tokens to keep (≥ 1 keeps all); held-out tokens are all kept
     */
    public static JavaRDD<PointBlock> points(JavaRDD<EncodedDoc> sample, int dim, double keepShare, long seed,
            boolean heldout) {
        return sample.mapPartitions(docs -> {
            List<PointBlock> blocks = new ArrayList<>();
            long[] ids = new long[BLOCK_POINTS];
            float[] pts = new float[BLOCK_POINTS * dim];
            int n = 0;
            while (docs.hasNext()) {
                EncodedDoc d = docs.next();
                int tokens = d.vectors().length / dim;
                for (int t = 0; t < tokens; t++) {
                    boolean out = SampleKeys.unit(seed ^ HELDOUT_SALT, d.pid(), t) < HELDOUT_SHARE;
                    if (out != heldout
                            || (!heldout && keepShare < 1 && SampleKeys.unit(seed ^ TOKEN_SALT, d.pid(), t) >= keepShare)) {
                        continue;
                    }
                    ids[n] = PointBlock.pointId(d.pid(), t);
                    System.arraycopy(d.vectors(), t * dim, pts, n * dim, dim);
                    if (++n == BLOCK_POINTS) {
                        blocks.add(new PointBlock(ids.clone(), pts.clone()));
                        n = 0;
                    }
                }
            }
            if (n > 0) {
                blocks.add(new PointBlock(java.util.Arrays.copyOf(ids, n), java.util.Arrays.copyOf(pts, n * dim)));
            }
            return blocks.iterator();
        });
    }
}
