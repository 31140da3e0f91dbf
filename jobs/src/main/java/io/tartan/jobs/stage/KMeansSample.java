package io.tartan.jobs.stage;

import io.tartan.format.kmeans.SampleKeys;
import org.apache.spark.api.java.JavaRDD;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

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
    /** Floats per block (4 MB): big enough to amortise per-block work, small enough to store or spill one by one. */
    private static final int BLOCK_FLOATS = 1 << 20;

    private KMeansSample() {
    }

    public static boolean docInSample(long pid, double share, long seed) {
        return share >= 1 || SampleKeys.unit(seed ^ DOC_SALT, pid, 0) < share;
    }

    /**
     * Points of the sample documents, in blocks, each point id {@code pid·2^20 + token}: the k-means training
     * points (the kept tokens that are not held out), or the held-out tokens. Blocks are made lazily, one at a
     * time, so Spark can store or spill each as it comes: a partition's points never sit in memory all at once
     * next to the cached sample they are copied from.
     *
     * @param keepShare share of training tokens to keep (≥ 1 keeps all); held-out tokens are all kept
     */
    public static JavaRDD<PointBlock> points(JavaRDD<EncodedDoc> sample, int dim, double keepShare, long seed,
            boolean heldout) {
        return sample.mapPartitions(docs -> new Blocks(docs, dim, keepShare, seed, heldout));
    }

    /** Fills one block of points at a time from a partition's documents. */
    private static final class Blocks implements Iterator<PointBlock> {
        private final Iterator<EncodedDoc> docs;
        private final int dim;
        private final double keepShare;
        private final long seed;
        private final boolean heldout;
        private EncodedDoc doc;
        private int token;
        private PointBlock next;

        Blocks(Iterator<EncodedDoc> docs, int dim, double keepShare, long seed, boolean heldout) {
            this.docs = docs;
            this.dim = dim;
            this.keepShare = keepShare;
            this.seed = seed;
            this.heldout = heldout;
        }

        private boolean kept(long pid, int t) {
            boolean out = SampleKeys.unit(seed ^ HELDOUT_SALT, pid, t) < HELDOUT_SHARE;
            return out == heldout
                    && (heldout || keepShare >= 1 || SampleKeys.unit(seed ^ TOKEN_SALT, pid, t) < keepShare);
        }

        private PointBlock fill() {
            int capacity = Math.max(1, BLOCK_FLOATS / dim);
            long[] ids = new long[capacity];
            float[] pts = new float[capacity * dim];
            int n = 0;
            while (n < capacity) {
                if (doc == null || token == doc.vectors().length / dim) {
                    if (!docs.hasNext()) {
                        break;
                    }
                    doc = docs.next();
                    token = 0;
                    continue;
                }
                int t = token++;
                if (kept(doc.pid(), t)) {
                    ids[n] = PointBlock.pointId(doc.pid(), t);
                    System.arraycopy(doc.vectors(), t * dim, pts, n * dim, dim);
                    n++;
                }
            }
            return n == 0 ? null : n == capacity ? new PointBlock(ids, pts)
                    : new PointBlock(Arrays.copyOf(ids, n), Arrays.copyOf(pts, n * dim));
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = fill();
            }
            return next != null;
        }

        @Override
        public PointBlock next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            PointBlock b = next;
            next = null;
            return b;
        }
    }
}
