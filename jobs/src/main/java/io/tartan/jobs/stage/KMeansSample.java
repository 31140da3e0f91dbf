package io.tartan.jobs.stage;

import io.tartan.format.kmeans.SampleKeys;
import org.apache.spark.api.java.JavaRDD;

import java.util.ArrayDeque;
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
        return sample.mapPartitions(docs -> new Blocks(docs, dim, keepShare, seed, !heldout, heldout));
    }

    /**
     * The training points and the held-out tokens of the sample documents in one pass, in separate blocks
     * ({@link PointBlock#heldout()}); a partition's held-out blocks come after its training blocks, except where
     * one filled up first.
     */
    public static JavaRDD<PointBlock> pointsAndHeldout(JavaRDD<EncodedDoc> sample, int dim, double keepShare,
            long seed) {
        return sample.mapPartitions(docs -> new Blocks(docs, dim, keepShare, seed, true, true));
    }

    /** Fills a block of training points and one of held-out tokens from a partition's documents, emitting each when full. */
    private static final class Blocks implements Iterator<PointBlock> {
        private final Iterator<EncodedDoc> docs;
        private final int dim;
        private final double keepShare;
        private final long seed;
        private final Fill training;
        private final Fill heldout;
        /** Blocks filled and not yet handed out, in the order they filled. */
        private final ArrayDeque<PointBlock> ready = new ArrayDeque<>();
        private PointBlock next;

        Blocks(Iterator<EncodedDoc> docs, int dim, double keepShare, long seed, boolean training, boolean heldout) {
            this.docs = docs;
            this.dim = dim;
            this.keepShare = keepShare;
            this.seed = seed;
            this.training = training ? new Fill(dim, false) : null;
            this.heldout = heldout ? new Fill(dim, true) : null;
        }

        /** Processes documents until a block is full (or all are done); null at the end. */
        private PointBlock fill() {
            while (ready.isEmpty() && docs.hasNext()) {
                EncodedDoc doc = docs.next();
                int n = doc.vectors().length / dim;
                for (int t = 0; t < n; t++) {
                    boolean out = SampleKeys.unit(seed ^ HELDOUT_SALT, doc.pid(), t) < HELDOUT_SHARE;
                    Fill to = out ? heldout : training;
                    if (to == null || (!out && keepShare < 1
                            && SampleKeys.unit(seed ^ TOKEN_SALT, doc.pid(), t) >= keepShare)) {
                        continue;
                    }
                    PointBlock b = to.add(PointBlock.pointId(doc.pid(), t), doc.vectors(), t * dim);
                    if (b != null) {
                        ready.add(b);
                    }
                }
            }
            if (ready.isEmpty()) {
                for (Fill f : new Fill[] {training, heldout}) {
                    PointBlock rest = f == null ? null : f.drain();
                    if (rest != null) {
                        ready.add(rest);
                    }
                }
            }
            return ready.poll();
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

    /** One block being filled. */
    private static final class Fill {
        private final int dim;
        private final boolean heldout;
        private final int capacity;
        private long[] ids;
        private float[] pts;
        private int n;

        Fill(int dim, boolean heldout) {
            this.dim = dim;
            this.heldout = heldout;
            this.capacity = Math.max(1, BLOCK_FLOATS / dim);
        }

        /** Adds a point; returns the block when this filled it. */
        PointBlock add(long id, float[] from, int at) {
            if (ids == null) {
                ids = new long[capacity];
                pts = new float[capacity * dim];
            }
            ids[n] = id;
            System.arraycopy(from, at, pts, n * dim, dim);
            n++;
            return n == capacity ? drain() : null;
        }

        /** The points so far as a block (null if none), and a fresh start. */
        PointBlock drain() {
            if (n == 0) {
                return null;
            }
            PointBlock b = n == capacity ? new PointBlock(ids, pts, heldout)
                    : new PointBlock(Arrays.copyOf(ids, n), Arrays.copyOf(pts, n * dim), heldout);
            ids = null;
            pts = null;
            n = 0;
            return b;
        }
    }
}
