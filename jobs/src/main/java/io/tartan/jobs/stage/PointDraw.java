package io.tartan.jobs.stage;

import io.tartan.format.kmeans.KMeansInit;
import org.apache.spark.api.java.JavaRDD;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Counts the k-means points and draws seeded samples of them in the one pass that stores them, instead of a pass
 * over the stored points (or the corpus) per sample: the coarse sample of {@link GroupedKMeans} and the residual
 * codec's held-out sample were four more reads of every sample vector. Each draw is exactly what
 * {@link DistributedKMeans#smallestKeys} would return (the {@code n} points with the smallest {@link KMeansInit}
 * keys): every point whose key lies below a quantile a little above {@code n/expected} comes back with its vector,
 * the driver keeps the {@code n} smallest. A draw whose filter kept fewer than {@code n} (the expected count was far
 * off) is reported missing, and the caller computes it exactly.
 */
public final class PointDraw {
    private PointDraw() {
    }

    /**
     * One sample to draw.
     *
     * @param heldout  from the held-out blocks (else the training ones)
     * @param seed     key seed of {@link KMeansInit#key}
     * @param n        points wanted
     * @param expected about how many points of that kind there are (sizes the filter; the answer does not depend on it)
     */
    public record Want(boolean heldout, long seed, int n, double expected) implements Serializable {
        /** Share of the key range kept in the pass: {@code n} plus a margin of ~8 standard deviations. */
        double share() {
            return Math.min(1.0, (1.02 * n + 8 * Math.sqrt(n) + 64) / Math.max(1.0, expected));
        }
    }

    /**
     * @param trainingPoints points in training blocks
     * @param heldoutPoints  points in held-out blocks
     * @param samples        per {@link Want}, {@code [n' × dim]} in key order, or null where the draw fell short
     */
    public record Result(long trainingPoints, long heldoutPoints, List<float[]> samples) {
    }

    /** Runs the pass (an action: it stores {@code blocks} if they are persisted). */
    public static Result run(JavaRDD<PointBlock> blocks, int dim, List<Want> wants) {
        List<Want> w = List.copyOf(wants);
        List<Partial> parts = blocks.mapPartitions(it -> List.of(Partial.of(it, w, dim)).iterator()).collect();
        long training = 0;
        long heldout = 0;
        for (Partial p : parts) {
            training += p.training;
            heldout += p.heldout;
        }
        List<float[]> samples = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            Want want = w.get(i);
            Candidates all = new Candidates(dim);
            for (Partial p : parts) {
                all.addAll(p.candidates.get(i));
            }
            long available = want.heldout() ? heldout : training;
            if (all.n < Math.min(want.n(), available) && want.share() < 1) {
                samples.add(null);
                continue;
            }
            samples.add(all.smallest(want.n()));
        }
        return new Result(training, heldout, samples);
    }

    /** Whether a key lies below {@code share} of the key range (the filter {@link DistributedKMeans} uses). */
    static boolean below(long key, double share) {
        // the key's place in signed order as a fraction of the long range
        return share >= 1 || ((key ^ Long.MIN_VALUE) >>> 11) * 0x1.0p-53 < share;
    }

    /** Keyed points in flat arrays: a partition's candidates serialise as three arrays, not an object each. */
    private static final class Candidates implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int dim;
        private long[] keys = new long[16];
        private long[] ids = new long[16];
        private float[] vectors;
        private int n;

        Candidates(int dim) {
            this.dim = dim;
            this.vectors = new float[16 * dim];
        }

        void add(long key, long id, float[] from, int at) {
            grow(n + 1);
            keys[n] = key;
            ids[n] = id;
            System.arraycopy(from, at, vectors, n * dim, dim);
            n++;
        }

        void addAll(Candidates o) {
            grow(n + o.n);
            System.arraycopy(o.keys, 0, keys, n, o.n);
            System.arraycopy(o.ids, 0, ids, n, o.n);
            System.arraycopy(o.vectors, 0, vectors, n * dim, o.n * dim);
            n += o.n;
        }

        private void grow(int need) {
            if (need > keys.length) {
                int cap = Math.max(need, keys.length * 2);
                keys = Arrays.copyOf(keys, cap);
                ids = Arrays.copyOf(ids, cap);
                vectors = Arrays.copyOf(vectors, Math.multiplyExact(cap, dim));
            }
        }

        /** The vectors of the {@code m} smallest (key, id), in that order. */
        float[] smallest(int m) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> KMeansInit.compare(keys[a], ids[a], keys[b], ids[b]));
            int out = Math.min(m, n);
            float[] v = new float[out * dim];
            for (int j = 0; j < out; j++) {
                System.arraycopy(vectors, order[j] * dim, v, j * dim, dim);
            }
            return v;
        }

        /** Trims the spare capacity before the partition's result is serialised. */
        Candidates trimmed() {
            keys = Arrays.copyOf(keys, n);
            ids = Arrays.copyOf(ids, n);
            vectors = Arrays.copyOf(vectors, n * dim);
            return this;
        }
    }

    /** One partition's counts and candidates. */
    private static final class Partial implements Serializable {
        private static final long serialVersionUID = 1L;
        long training;
        long heldout;
        final List<Candidates> candidates = new ArrayList<>();

        static Partial of(Iterator<PointBlock> blocks, List<Want> wants, int dim) {
            Partial p = new Partial();
            double[] share = new double[wants.size()];
            for (int i = 0; i < wants.size(); i++) {
                p.candidates.add(new Candidates(dim));
                share[i] = wants.get(i).share();
            }
            while (blocks.hasNext()) {
                PointBlock b = blocks.next();
                if (b.heldout()) {
                    p.heldout += b.size();
                } else {
                    p.training += b.size();
                }
                for (int i = 0; i < wants.size(); i++) {
                    Want w = wants.get(i);
                    if (w.heldout() != b.heldout()) {
                        continue;
                    }
                    for (int j = 0; j < b.size(); j++) {
                        long id = b.ids()[j];
                        long key = KMeansInit.key(w.seed(), id);
                        if (below(key, share[i])) {
                            p.candidates.get(i).add(key, id, b.points(), j * dim);
                        }
                    }
                }
            }
            p.candidates.replaceAll(Candidates::trimmed);
            return p;
        }
    }
}
