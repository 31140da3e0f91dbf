package io.tartan.jobs.pool;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenPoolerTest {
    private static final int DIM = 16;

    @Test
    void keepsTokensOverPoolFactorClustersOfUnitVectors() {
        TokenPooler p = new TokenPooler(2);
        for (int n : new int[] {2, 3, 7, 64, 301}) {
            float[] pooled = p.pool(randomUnitRows(n, DIM, n), DIM);
            assertEquals(Math.max(1, n / 2) * DIM, pooled.length, "tokens " + n);
            assertUnitRows(pooled, DIM);
        }
        assertEquals(100, new TokenPooler(3).pool(randomUnitRows(300, DIM, 1), DIM).length / DIM);
        assertEquals(1, new TokenPooler(4).pool(randomUnitRows(3, DIM, 2), DIM).length / DIM);
    }

    @Test
    void factorOneAndSingleTokensAreLeftAlone() {
        float[] v = randomUnitRows(50, DIM, 3);
        assertSame(v, new TokenPooler(1).pool(v, DIM));
        float[] one = randomUnitRows(1, DIM, 4);
        assertSame(one, new TokenPooler(2).pool(one, DIM));
        assertEquals(0, new TokenPooler(2).clusters(0));
        assertEquals(1, new TokenPooler(2).clusters(1));
        assertEquals(1, new TokenPooler(2).clusters(3));
        assertThrows(IllegalArgumentException.class, () -> new TokenPooler(0));
    }

    @Test
    void identicalTokensPoolToOneVector() {
        float[] a = randomUnitRows(1, DIM, 5);
        float[] b = randomUnitRows(1, DIM, 6);
        // a a b a b b: factor 3 asks for 2 clusters, which are exactly a and b
        float[] doc = concat(a, a, b, a, b, b);
        float[] pooled = new TokenPooler(3).pool(doc, DIM);
        assertArrayEquals(concat(a, b), pooled, 1e-6f);
        // six copies of one token: every merge is at height 0, so even factor 2 leaves one vector (scipy's maxclust)
        float[] same = concat(a, a, a, a, a, a);
        assertArrayEquals(a, new TokenPooler(2).pool(same, DIM), 1e-6f);
    }

    @Test
    void clustersAsColbertAndPylateDo() {
        // expected partitions computed with scipy 1.17 as ColBERT and PyLate call it: E float32 as below, rows
        // normalised; Z = linkage(1 - E @ E.T, method="ward"); fcluster(Z, t=max(n // f, 1), criterion="maxclust"),
        // labels renumbered in order of first token
        int n = 14;
        int dim = 8;
        float[] e = new float[n * dim];
        for (int t = 0; t < n; t++) {
            for (int d = 0; d < dim; d++) {
                e[t * dim + d] = (float) Math.sin(0.7 * t * t + 1.3 * d + 0.1 * t * d);
            }
        }
        normalize(e, dim);
        assertPartition(e, dim, 2, new int[] {0, 0, 1, 0, 0, 0, 2, 3, 4, 4, 5, 6, 5, 5});
        assertPartition(e, dim, 3, new int[] {0, 0, 1, 0, 0, 0, 1, 2, 1, 1, 2, 3, 2, 2});
        assertPartition(e, dim, 5, new int[] {0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1});
    }

    @Test
    void deterministicAndSerializable() throws Exception {
        float[] v = randomUnitRows(120, DIM, 7);
        float[] first = new TokenPooler(2).pool(v.clone(), DIM);
        TokenPooler reused = new TokenPooler(2);
        reused.pool(randomUnitRows(200, DIM, 8), DIM);
        assertArrayEquals(first, reused.pool(v.clone(), DIM));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(reused);
        }
        TokenPooler copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (TokenPooler) in.readObject();
        }
        assertEquals(2, copy.poolFactor());
        assertArrayEquals(first, copy.pool(v.clone(), DIM));
    }

    @Test
    void tokensThatCancelOutKeepTheirFirstToken() {
        float[] a = randomUnitRows(1, DIM, 9);
        float[] minusA = a.clone();
        for (int d = 0; d < DIM; d++) {
            minusA[d] = -minusA[d];
        }
        float[] pooled = new TokenPooler(2).pool(concat(a, minusA), DIM);
        assertArrayEquals(a, pooled);
    }

    private static void assertPartition(float[] e, int dim, int factor, int[] expected) {
        int n = e.length / dim;
        float[] pooled = new TokenPooler(factor).pool(e, dim);
        int clusters = 0;
        for (int l : expected) {
            clusters = Math.max(clusters, l + 1);
        }
        float[] want = new float[clusters * dim];
        for (int t = 0; t < n; t++) {
            for (int d = 0; d < dim; d++) {
                want[expected[t] * dim + d] += e[t * dim + d];
            }
        }
        normalize(want, dim);
        assertArrayEquals(want, pooled, 1e-5f, "pool_factor " + factor);
    }

    static float[] randomUnitRows(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * dim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        normalize(v, dim);
        return v;
    }

    private static void normalize(float[] v, int dim) {
        for (int o = 0; o < v.length; o += dim) {
            double sq = 0;
            for (int d = 0; d < dim; d++) {
                sq += v[o + d] * v[o + d];
            }
            for (int d = 0; d < dim; d++) {
                v[o + d] = (float) (v[o + d] / Math.sqrt(sq));
            }
        }
    }

    private static void assertUnitRows(float[] v, int dim) {
        for (int o = 0; o < v.length; o += dim) {
            double sq = 0;
            for (int d = 0; d < dim; d++) {
                sq += v[o + d] * v[o + d];
            }
            assertEquals(1.0, sq, 1e-5, "row " + o / dim);
        }
    }

    private static float[] concat(float[]... parts) {
        int len = 0;
        for (float[] p : parts) {
            len += p.length;
        }
        float[] out = new float[len];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
