package io.tartan.format.kernel;

/**
 * The float32 inner loops of Tartan: dot products, one-against-many scores, and the {@code A·Bᵀ} block product
 * behind centroid assignment and query-centroid scores. {@link ScalarKernels} is the reference; {@link Kernels#get()}
 * picks the fastest implementation the running JVM supports. Matrices are row-major flat arrays.
 */
public interface VectorKernels {
    /** {@code Σ a[aOff+i]·b[bOff+i]} for {@code i < dim}. */
    float dot(float[] a, int aOff, float[] b, int bOff, int dim);

    /** {@code out[outOff+r] = v · m[mOff + r·dim ..]} for each of {@code rows} rows. */
    void dots(float[] v, int vOff, float[] m, int mOff, int rows, int dim, float[] out, int outOff);

    /**
     * {@code out[outOff+c] = Σ_d v[vOff+d] · mt[mtOff + d·cols + c]} for {@code c < cols}: one vector against the
     * columns of a dim-major ({@code [dim × cols]}) block. Lanes run across columns, so there is no horizontal
     * reduction per product; {@code cols} should be a multiple of 16 (pad with zeros).
     */
    void dotsColumnMajor(float[] v, int vOff, float[] mt, int mtOff, int cols, int dim, float[] out, int outOff);

    /** {@code out[i·bRows + j] = a_i · b_j} for {@code i < aRows, j < bRows}. */
    void matmulTransposed(float[] a, int aRows, float[] b, int bRows, int dim, float[] out);

    /** Index of the row of {@code m} (of {@code rows}) with the largest dot product with {@code v}; first on ties. */
    int argmaxDot(float[] v, int vOff, float[] m, int rows, int dim);

    /** Name for logs and benchmark tables. */
    String name();
}
