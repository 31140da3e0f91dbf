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
 * Decompression and MaxSim throughput in tokens per second (ops = tokens). Run with scripts/bench-kernels.sh (its
 * defaults: 3 forks × 5 measured iterations); figures go to docs/BENCHMARKS.md.
 *
 * <p>Each benchmark has its own state, so JMH runs only the parameters it uses: decompression per nbits (it is
 * scalar code, with no Vector API variant to compare), MaxSim per kernel implementation (its input is raw vectors,
 * so nbits does not apply).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class KernelBenchmark {
    static final int DIM = 128;
    static final int TOKENS = 4096;
    static final int QLEN = 32;
    static final int DOCLEN = 64;

    /** Tokens clustered around 1,024 centroids, as an index holds them. */
    static float[] clusteredTokens(Random rnd, float[] centroids) {
        return TestVectors.clustered(rnd, centroids, DIM, TOKENS, 0.6f, null);
    }

    @State(Scope.Benchmark)
    public static class Codec {
        @Param({"1", "2", "4"})
        int nbits;

        ResidualCodec codec;
        int[] codes;
        byte[] residuals;
        float[] out;

        @Setup
        public void setup() {
            Random rnd = new Random(1);
            float[] centroids = TestVectors.unitRows(rnd, 1024, DIM);
            float[] vectors = clusteredTokens(rnd, centroids);
            codec = ResidualCodec.train(DIM, nbits, centroids, vectors, null);
            codes = codec.assign(vectors);
            residuals = codec.compress(vectors, codes);
            out = new float[TOKENS * DIM];
        }
    }

    @State(Scope.Benchmark)
    public static class Scoring {
        @Param({"vector-api", "scalar"})
        String kernels;

        float[] query;
        float[] docs;
        float[] scratch;
        VectorKernels k;

        @Setup
        public void setup() {
            Random rnd = new Random(1);
            float[] centroids = TestVectors.unitRows(rnd, 1024, DIM);
            docs = clusteredTokens(rnd, centroids);
            query = TestVectors.unitRows(rnd, QLEN, DIM);
            scratch = new float[DOCLEN];
            k = "scalar".equals(kernels) ? ScalarKernels.INSTANCE : Kernels.simd().orElseThrow();
        }
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float[] decompress(Codec s) {
        s.codec.decompress(s.codes, 0, s.residuals, 0, TOKENS, s.out, 0);
        return s.out;
    }

    /** MaxSim of a 32-token query against 64 documents of 64 tokens: ops = document tokens scored. */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float maxsim(Scoring s) {
        float total = 0;
        for (int d = 0; d < TOKENS / DOCLEN; d++) {
            total += MaxSim.score(s.k, s.query, QLEN, s.docs, d * DOCLEN * DIM, DOCLEN, DIM, s.scratch);
        }
        return total;
    }
}
