package io.tartan.format.bench;

import io.tartan.format.TestVectors;
import io.tartan.format.kernel.CentroidBlocks;
import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.format.kernel.ScalarLateInteractionKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Stage 1 of a FAST search at the reference size, in ms per query: {@code Q·Cᵀ} for 32 query tokens against 16,384
 * centroids of 128 dims (row-major, and over the kernel's prepared centroids), each token's top 4 cells, and the int8
 * stage-3 table. {@code -jvmArgsAppend -XX:UseAVX=2} measures the 8-lane kernels on an AVX-512 machine.
 * On a shared machine {@link Stage1CpuTiming} (thread CPU time, interleaved) is steadier than JMH's wall clock.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class Stage1Benchmark {
    static final int K = 16384;
    static final int DIM = 128;
    static final int NQ = 32;
    static final int NCELLS = 4;

    @Param({"vector-api"})
    String kernels;

    LateInteractionKernels k;
    float[] qt;
    float[] centroids;
    CentroidBlocks prepared;
    float[] out;
    float[] best = new float[NQ * NCELLS];
    int[] cells = new int[NQ * NCELLS];
    byte[] int8 = new byte[K * 32];

    @Setup
    public void setup() {
        k = "scalar".equals(kernels) ? ScalarLateInteractionKernels.INSTANCE : InteractionKernels.simd().orElseThrow();
        Random rnd = new Random(1);
        centroids = TestVectors.unitRows(rnd, K, DIM);
        // query tokens near centroids, as real ones are: the top-cells thresholds then rise as fast as they do
        float[] q = TestVectors.clustered(rnd, centroids, DIM, NQ, 0.5f, null);
        qt = new float[DIM * 32];
        for (int i = 0; i < NQ; i++) {
            for (int d = 0; d < DIM; d++) {
                qt[d * 32 + i] = q[i * DIM + d];
            }
        }
        prepared = k.prepareCentroids(centroids, K, DIM);
        out = new float[K * 32];
        k.centroidScores(qt, 32, centroids, K, DIM, out);
    }

    @Benchmark
    public float[] centroidScoresRows() {
        k.centroidScores(qt, 32, centroids, K, DIM, out);
        return out;
    }

    @Benchmark
    public float[] centroidScoresPrepared() {
        k.centroidScores(qt, 32, prepared, out);
        return out;
    }

    @Benchmark
    public int[] topCells() {
        k.topCells(out, 32, NQ, K, NCELLS, best, cells);
        return cells;
    }

    @Benchmark
    public float int8Table() {
        return k.packScoresInt8x32(out, K, int8);
    }
}
