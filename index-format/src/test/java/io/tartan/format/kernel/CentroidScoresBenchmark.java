package io.tartan.format.kernel;

import io.tartan.format.TestVectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Stage 1 of FAST search at the reference size: 32 query tokens x 16,384 centroids x 128 dims, ms per query. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class CentroidScoresBenchmark {
    static final int K = 16384;
    static final int DIM = 128;
    static final int NQ = 32;

    float[] qt;
    float[] centroids;
    float[] blocked;
    float[] out;
    float[] tile = new float[32 * 32];
    float[] best = new float[NQ * 4];
    int[] cells = new int[NQ * 4];
    byte[] int8 = new byte[K * 32];
    SimdLateInteractionKernels simd = new SimdLateInteractionKernels();

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        centroids = TestVectors.unitRows(rnd, K, DIM);
        float[] q = TestVectors.clustered(rnd, centroids, DIM, NQ, 0.5f, null);
        qt = new float[DIM * 32];
        for (int i = 0; i < NQ; i++) {
            for (int d = 0; d < DIM; d++) {
                qt[d * 32 + i] = q[i * DIM + d];
            }
        }
        blocked = SimdLateInteractionKernels.blockCentroids(centroids, K, DIM);
        out = new float[K * 32];
        simd.centroidScores(qt, 32, centroids, K, DIM, out);
    }

    @Benchmark
    public float[] scoresCurrent() {
        simd.centroidScores(qt, 32, centroids, K, DIM, out);
        return out;
    }

    @Benchmark
    public float[] scores2q6cChunked() {
        SimdLateInteractionKernels.centroidScores32x6(qt, centroids, K, DIM, out);
        return out;
    }

    /** 8 lanes: 4 query vectors x 3 centroids; 16 lanes: 2 query vectors x 12 centroids. */
    @Benchmark
    public float[] scores12acc() {
        if (SimdLateInteractionKernels.BLOCK == 16) {
            SimdLateInteractionKernels.centroidScores32x3(qt, centroids, K, DIM, out);
        } else {
            SimdLateInteractionKernels.centroidScores2x12(qt, centroids, K, DIM, out);
        }
        return out;
    }

    @Benchmark
    public float[] scoresBlocked2v6q() {
        SimdLateInteractionKernels.centroidScoresBlocked(qt, NQ, blocked, K, DIM, out, tile);
        return out;
    }

    @Benchmark
    public float[] scoresBlockedGather() {
        SimdLateInteractionKernels.centroidScoresBlockedGather(qt, NQ, blocked, K, DIM, out, tile);
        return out;
    }

    @Benchmark
    public int[] topCellsCurrent() {
        simd.topCells(out, 32, NQ, K, 4, best, cells);
        return cells;
    }

    @Benchmark
    public int[] topCellsOnePass() {
        SimdLateInteractionKernels.topCells32(out, NQ, K, 4, best, cells);
        return cells;
    }

    @Benchmark
    public float int8Current() {
        return simd.packScoresInt8x32(out, K, int8);
    }

    @Benchmark
    public float int8Vector() {
        return SimdLateInteractionKernels.packScoresInt8x32v(out, K, int8);
    }
}
