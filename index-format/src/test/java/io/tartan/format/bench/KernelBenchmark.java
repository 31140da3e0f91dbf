package io.tartan.format.bench;

import io.tartan.format.MaxSim;
import io.tartan.format.TestVectors;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.kernel.Kernels;
import io.tartan.format.kernel.ScalarKernels;
import io.tartan.format.kernel.VectorKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Decompression and MaxSim throughput in tokens per second (ops = tokens). Run with scripts/bench-kernels.sh;
 * figures go to docs/BENCHMARKS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class KernelBenchmark {
    static final int DIM = 128;
    static final int TOKENS = 4096;
    static final int QLEN = 32;
    static final int DOCLEN = 64;

    @Param({"1", "2", "4"})
    int nbits;

    @Param({"vector-api", "scalar"})
    String kernels;

    ResidualCodec codec;
    int[] codes;
    byte[] residuals;
    float[] out;
    float[] query;
    float[] docs;
    float[] scratch;
    VectorKernels k;

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        float[] centroids = TestVectors.unitRows(rnd, 1024, DIM);
        float[] vectors = TestVectors.clustered(rnd, centroids, DIM, TOKENS, 0.6f, null);
        codec = ResidualCodec.train(DIM, nbits, centroids, vectors, null);
        codes = codec.assign(vectors);
        residuals = codec.compress(vectors, codes);
        out = new float[TOKENS * DIM];
        query = TestVectors.unitRows(rnd, QLEN, DIM);
        docs = vectors;
        scratch = new float[DOCLEN];
        k = "scalar".equals(kernels) ? ScalarKernels.INSTANCE : Kernels.simd().orElseThrow();
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float[] decompress() {
        codec.decompress(codes, 0, residuals, 0, TOKENS, out, 0);
        return out;
    }

    /** MaxSim of a 32-token query against 64 documents of 64 tokens: ops = document tokens scored. */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float maxsim() {
        float s = 0;
        for (int d = 0; d < TOKENS / DOCLEN; d++) {
            s += MaxSim.score(k, query, QLEN, docs, d * DOCLEN * DIM, DOCLEN, DIM, scratch);
        }
        return s;
    }
}
