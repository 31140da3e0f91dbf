package io.tartan.format.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API ({@code jdk.incubator.vector}). Loaded reflectively by {@link Kernels} only when the
 * module is present, so a JVM started without {@code --add-modules jdk.incubator.vector} never links this class.
 *
 * <p>The block product keeps four rows of {@code a} in flight against one row of {@code b}: each {@code b} load is
 * reused four times, which is what makes {@code Q·Cᵀ} and centroid assignment memory-bound no longer.
 */
final class SimdKernels implements VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int dim) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(dim);
        for (; i < bound; i += L) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void dots(float[] v, int vOff, float[] m, int mOff, int rows, int dim, float[] out, int outOff) {
        if (dim % L != 0) {
            for (int r = 0; r < rows; r++) {
                out[outOff + r] = dot(v, vOff, m, mOff + r * dim, dim);
            }
            return;
        }
        int r = 0;
        for (; r + 3 < rows; r += 4) {
            int m0 = mOff + r * dim;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < dim; i += L) {
                FloatVector x = FloatVector.fromArray(S, v, vOff + i);
                a0 = x.fma(FloatVector.fromArray(S, m, m0 + i), a0);
                a1 = x.fma(FloatVector.fromArray(S, m, m0 + dim + i), a1);
                a2 = x.fma(FloatVector.fromArray(S, m, m0 + 2 * dim + i), a2);
                a3 = x.fma(FloatVector.fromArray(S, m, m0 + 3 * dim + i), a3);
            }
            out[outOff + r] = a0.reduceLanes(VectorOperators.ADD);
            out[outOff + r + 1] = a1.reduceLanes(VectorOperators.ADD);
            out[outOff + r + 2] = a2.reduceLanes(VectorOperators.ADD);
            out[outOff + r + 3] = a3.reduceLanes(VectorOperators.ADD);
        }
        for (; r < rows; r++) {
            out[outOff + r] = dot(v, vOff, m, mOff + r * dim, dim);
        }
    }

    @Override
    public void dotsColumnMajor(float[] v, int vOff, float[] mt, int mtOff, int cols, int dim, float[] out,
            int outOff) {
        if (cols % L != 0) {
            ScalarKernels.INSTANCE.dotsColumnMajor(v, vOff, mt, mtOff, cols, dim, out, outOff);
            return;
        }
        int c = 0;
        for (; c + 4 * L <= cols; c += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0; d < dim; d++) {
                FloatVector x = FloatVector.broadcast(S, v[vOff + d]);
                int base = mtOff + d * cols + c;
                a0 = FloatVector.fromArray(S, mt, base).fma(x, a0);
                a1 = FloatVector.fromArray(S, mt, base + L).fma(x, a1);
                a2 = FloatVector.fromArray(S, mt, base + 2 * L).fma(x, a2);
                a3 = FloatVector.fromArray(S, mt, base + 3 * L).fma(x, a3);
            }
            a0.intoArray(out, outOff + c);
            a1.intoArray(out, outOff + c + L);
            a2.intoArray(out, outOff + c + 2 * L);
            a3.intoArray(out, outOff + c + 3 * L);
        }
        for (; c < cols; c += L) {
            FloatVector a0 = FloatVector.zero(S);
            for (int d = 0; d < dim; d++) {
                a0 = FloatVector.fromArray(S, mt, mtOff + d * cols + c).fma(FloatVector.broadcast(S, v[vOff + d]), a0);
            }
            a0.intoArray(out, outOff + c);
        }
    }

    @Override
    public void matmulTransposed(float[] a, int aRows, float[] b, int bRows, int dim, float[] out) {
        if (dim % L != 0) {
            ScalarKernels.INSTANCE.matmulTransposed(a, aRows, b, bRows, dim, out);
            return;
        }
        int i = 0;
        for (; i + 3 < aRows; i += 4) {
            int a0off = i * dim;
            for (int j = 0; j < bRows; j++) {
                int boff = j * dim;
                FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                for (int k = 0; k < dim; k += L) {
                    FloatVector y = FloatVector.fromArray(S, b, boff + k);
                    s0 = FloatVector.fromArray(S, a, a0off + k).fma(y, s0);
                    s1 = FloatVector.fromArray(S, a, a0off + dim + k).fma(y, s1);
                    s2 = FloatVector.fromArray(S, a, a0off + 2 * dim + k).fma(y, s2);
                    s3 = FloatVector.fromArray(S, a, a0off + 3 * dim + k).fma(y, s3);
                }
                out[i * bRows + j] = s0.reduceLanes(VectorOperators.ADD);
                out[(i + 1) * bRows + j] = s1.reduceLanes(VectorOperators.ADD);
                out[(i + 2) * bRows + j] = s2.reduceLanes(VectorOperators.ADD);
                out[(i + 3) * bRows + j] = s3.reduceLanes(VectorOperators.ADD);
            }
        }
        for (; i < aRows; i++) {
            dots(a, i * dim, b, 0, bRows, dim, out, i * bRows);
        }
    }

    @Override
    public int argmaxDot(float[] v, int vOff, float[] m, int rows, int dim) {
        float[] buf = new float[Math.min(rows, 1024)];
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int start = 0; start < rows; start += buf.length) {
            int n = Math.min(buf.length, rows - start);
            dots(v, vOff, m, start * dim, n, dim, buf, 0);
            for (int r = 0; r < n; r++) {
                if (buf[r] > bestScore) {
                    bestScore = buf[r];
                    best = start + r;
                }
            }
        }
        return best;
    }

    @Override
    public String name() {
        return "vector-api(" + S.vectorBitSize() + "-bit)";
    }
}
