package io.tartan.format.kmeans;

import java.util.SplittableRandom;

/** Test data: normalised points scattered around {@code clusters} random unit directions. */
final class ClusteredPoints {
    private ClusteredPoints() {
    }

    static float[] unitRows(int n, int dim, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] m = new float[n * dim];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) gaussian(r);
        }
        for (int i = 0; i < n; i++) {
            CentroidUpdate.normalize(m, i * dim, dim);
        }
        return m;
    }

    static float[] around(float[] centres, int dim, int perCentre, double noise, long seed) {
        int k = centres.length / dim;
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[k * perCentre * dim];
        for (int i = 0; i < k * perCentre; i++) {
            int c = i % k;
            for (int d = 0; d < dim; d++) {
                out[i * dim + d] = (float) (centres[c * dim + d] + noise * gaussian(r));
            }
            CentroidUpdate.normalize(out, i * dim, dim);
        }
        return out;
    }

    private static double gaussian(SplittableRandom r) {
        double u = Math.max(1e-12, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
