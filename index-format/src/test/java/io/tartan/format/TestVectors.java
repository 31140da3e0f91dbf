package io.tartan.format;

import java.util.Random;

/** Generated token vectors for tests: unit vectors scattered around known unit centres. */
public final class TestVectors {
    private TestVectors() {
    }

    public static float[] unitRows(Random rnd, int n, int dim) {
        float[] m = new float[n * dim];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) rnd.nextGaussian();
        }
        normalizeRows(m, dim);
        return m;
    }

    /** {@code n} rows, each a random centre plus gaussian noise of relative size {@code noise}, normalised. */
    public static float[] clustered(Random rnd, float[] centres, int dim, int n, float noise, int[] centreOut) {
        int k = centres.length / dim;
        float[] m = new float[n * dim];
        float sigma = (float) (noise / Math.sqrt(dim));
        for (int t = 0; t < n; t++) {
            int c = rnd.nextInt(k);
            if (centreOut != null) {
                centreOut[t] = c;
            }
            for (int d = 0; d < dim; d++) {
                m[t * dim + d] = centres[c * dim + d] + sigma * (float) rnd.nextGaussian();
            }
        }
        normalizeRows(m, dim);
        return m;
    }

    public static void normalizeRows(float[] m, int dim) {
        for (int r = 0; r < m.length / dim; r++) {
            double s = 0;
            for (int d = 0; d < dim; d++) {
                s += m[r * dim + d] * m[r * dim + d];
            }
            float inv = (float) (1 / Math.sqrt(s));
            for (int d = 0; d < dim; d++) {
                m[r * dim + d] *= inv;
            }
        }
    }

    /** The {@code nq × dim} rows of {@code q} as the kernels take a query: {@code dim × nqPad}, padding columns 0. */
    public static float[] transpose(float[] q, int nq, int nqPad, int dim) {
        float[] qt = new float[dim * nqPad];
        for (int i = 0; i < nq; i++) {
            for (int d = 0; d < dim; d++) {
                qt[d * nqPad + i] = q[i * dim + d];
            }
        }
        return qt;
    }
}
