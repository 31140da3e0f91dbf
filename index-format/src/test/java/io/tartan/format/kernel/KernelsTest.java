package io.tartan.format.kernel;

import io.tartan.format.TestVectors;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelsTest {
    private final VectorKernels ref = ScalarKernels.INSTANCE;

    @Test
    void simdIsAvailableUnderTheBuildsJvmOptionsAndMatchesScalar() {
        // surefire runs with --add-modules jdk.incubator.vector, as Spark and scripts/tartan do
        VectorKernels simd = Kernels.simd().orElseThrow();
        assertTrue(Kernels.get().name().startsWith("vector-api"), Kernels.get().name());
        Random rnd = new Random(2);
        for (int dim : new int[] {8, 16, 48, 128, 384, 100}) {
            float[] a = TestVectors.unitRows(rnd, 7, dim);
            float[] b = TestVectors.unitRows(rnd, 13, dim);
            float[] outRef = new float[7 * 13];
            float[] outSimd = new float[7 * 13];
            ref.matmulTransposed(a, 7, b, 13, dim, outRef);
            simd.matmulTransposed(a, 7, b, 13, dim, outSimd);
            for (int i = 0; i < outRef.length; i++) {
                assertEquals(outRef[i], outSimd[i], 1e-5, "dim " + dim);
            }
            float[] dRef = new float[13];
            float[] dSimd = new float[13];
            ref.dots(a, dim, b, 0, 13, dim, dRef, 0);
            simd.dots(a, dim, b, 0, 13, dim, dSimd, 0);
            for (int i = 0; i < 13; i++) {
                assertEquals(dRef[i], dSimd[i], 1e-5);
                assertEquals(ref.dot(a, 0, b, i * dim, dim), simd.dot(a, 0, b, i * dim, dim), 1e-5);
            }
            assertEquals(ref.argmaxDot(a, 2 * dim, b, 13, dim), simd.argmaxDot(a, 2 * dim, b, 13, dim));
        }
    }

    @Test
    void columnMajorProductsEqualRowDotsAndSimdEqualsScalarExactly() {
        VectorKernels simd = Kernels.simd().orElseThrow();
        Random rnd = new Random(5);
        for (int cols : new int[] {16, 48, 128, 7}) {
            int dim = 128;
            float[] rows = TestVectors.unitRows(rnd, cols, dim);
            float[] mt = new float[dim * cols];
            for (int c = 0; c < cols; c++) {
                for (int d = 0; d < dim; d++) {
                    mt[d * cols + c] = rows[c * dim + d];
                }
            }
            float[] v = TestVectors.unitRows(rnd, 1, dim);
            float[] outRef = new float[cols];
            float[] outSimd = new float[cols];
            ref.dotsColumnMajor(v, 0, mt, 0, cols, dim, outRef, 0);
            simd.dotsColumnMajor(v, 0, mt, 0, cols, dim, outSimd, 0);
            for (int c = 0; c < cols; c++) {
                // same fused multiply-adds in the same order: bit-for-bit equal, so assignment is the same on any JVM
                assertEquals(outRef[c], outSimd[c], 0f, "cols " + cols);
                assertEquals(ref.dot(v, 0, rows, c * dim, dim), outRef[c], 1e-5);
            }
        }
    }
}
