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
}
