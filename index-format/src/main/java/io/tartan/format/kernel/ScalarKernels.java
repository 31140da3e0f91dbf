package io.tartan.format.kernel;

/** Plain-Java reference kernels; the SIMD versions are tested against these. */
public final class ScalarKernels implements VectorKernels {
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int dim) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < dim; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        for (; i < dim; i++) {
            s0 += a[aOff + i] * b[bOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void dots(float[] v, int vOff, float[] m, int mOff, int rows, int dim, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = dot(v, vOff, m, mOff + r * dim, dim);
        }
    }

    @Override
    public void dotsColumnMajor(float[] v, int vOff, float[] mt, int mtOff, int cols, int dim, float[] out,
            int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + cols, 0f);
        for (int d = 0; d < dim; d++) {
            float x = v[vOff + d];
            int row = mtOff + d * cols;
            for (int c = 0; c < cols; c++) {
                out[outOff + c] = Math.fma(x, mt[row + c], out[outOff + c]);
            }
        }
    }

    @Override
    public void matmulTransposed(float[] a, int aRows, float[] b, int bRows, int dim, float[] out) {
        for (int i = 0; i < aRows; i++) {
            dots(a, i * dim, b, 0, bRows, dim, out, i * bRows);
        }
    }

    @Override
    public int argmaxDot(float[] v, int vOff, float[] m, int rows, int dim) {
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            float s = dot(v, vOff, m, r * dim, dim);
            if (s > bestScore) {
                bestScore = s;
                best = r;
            }
        }
        return best;
    }

    @Override
    public String name() {
        return "scalar";
    }
}
