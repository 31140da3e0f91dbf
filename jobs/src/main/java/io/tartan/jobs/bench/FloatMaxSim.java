package io.tartan.jobs.bench;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.jobs.input.NpyHeader;
import io.tartan.query.cli.NpyArray;
import io.tartan.query.search.QueryMatrix;
import io.tartan.query.search.TopK;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;

/**
 * Brute-force MaxSim of every query against every document of a gen_synth.py data set, over the raw float32
 * vectors of {@code docs.npy} (not the compressed index): {@code score(q, d) = Σ_i max_j q_i · d_j}. The ground
 * truth of filtered search, whose top 10 must come from the allowed documents only.
 *
 * @param scores {@code [query][document]}
 */
record FloatMaxSim(float[][] scores) {
    private static final Logger LOG = LoggerFactory.getLogger(FloatMaxSim.class);
    /** Document tokens per block read from docs.npy: a block's score table is this × nqPad floats per thread. */
    static final int BLOCK_TOKENS = 32_768;

    /** Scores every document of {@code dir} (docs.npy, doclens.npy) against each query ({@code [qlen × dim]}). */
    static FloatMaxSim compute(Path dir, List<float[]> queries, int threads) {
        long[] doclens = NpyArray.read(dir.resolve("doclens.npy")).longs();
        Path docsFile = dir.resolve("docs.npy");
        NpyHeader h;
        try (InputStream raw = Files.newInputStream(docsFile); DataInputStream in = new DataInputStream(raw)) {
            h = NpyHeader.read(in, docsFile.toString()).require(docsFile.toString(), 2, "<f4");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + docsFile + ": " + e.getMessage(), e);
        }
        int dim = Math.toIntExact(h.shape()[1]);
        long total = Arrays.stream(doclens).sum();
        if (total != h.shape()[0]) {
            throw new IllegalArgumentException(dir + ": doclens.npy sums to " + total + " tokens but docs.npy has "
                    + h.shape()[0] + " rows");
        }
        List<QueryMatrix> qs = new ArrayList<>(queries.size());
        for (float[] q : queries) {
            qs.add(QueryMatrix.of(q, dim));
        }
        float[][] scores = new float[queries.size()][doclens.length];
        LateInteractionKernels k = InteractionKernels.get();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(docsFile, StandardOpenOption.READ)) {
            int doc = 0;
            long token = 0;
            int[] identity = new int[0];
            while (doc < doclens.length) {
                // whole documents only, at least one, up to BLOCK_TOKENS tokens
                int first = doc;
                long tokens = 0;
                while (doc < doclens.length && (doc == first || tokens + doclens[doc] <= BLOCK_TOKENS)) {
                    tokens += doclens[doc++];
                }
                int n = Math.toIntExact(tokens);
                float[] block = readBlock(ch, h.dataOffset() + token * dim * 4L, n * dim, docsFile);
                if (identity.length < n) {
                    identity = new int[Math.max(n, BLOCK_TOKENS)];
                    Arrays.setAll(identity, i -> i);
                }
                int[] codes = identity;
                int from = first;
                int to = doc;
                List<Future<?>> work = new ArrayList<>();
                int per = (qs.size() + threads - 1) / threads;
                for (int t = 0; t < qs.size(); t += per) {
                    int q0 = t;
                    int q1 = Math.min(qs.size(), t + per);
                    work.add(pool.submit(() -> scoreBlock(k, qs, q0, q1, block, n, dim, doclens, from, to, codes, scores)));
                }
                for (Future<?> f : work) {
                    f.get();
                }
                token += tokens;
                if ((from * 10L / doclens.length) != (to * 10L / doclens.length)) {
                    LOG.info("float MaxSim: {} of {} documents ({} s)", to, doclens.length,
                            Math.round((System.nanoTime() - t0) / 1e9));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + docsFile + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("float MaxSim failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new FloatMaxSim(scores);
    }

    private static void scoreBlock(LateInteractionKernels k, List<QueryMatrix> qs, int q0, int q1, float[] block, int n,
            int dim, long[] doclens, int from, int to, int[] codes, float[][] scores) {
        float[] table = null;
        float[] max = null;
        for (int q = q0; q < q1; q++) {
            QueryMatrix m = qs.get(q);
            int nqPad = m.nqPad();
            if (table == null || table.length < n * nqPad) {
                table = new float[n * nqPad];
                max = new float[nqPad];
            }
            k.centroidScores(m.transposed(), nqPad, block, n, dim, table);
            int t = 0;
            for (int d = from; d < to; d++) {
                int len = (int) doclens[d];
                scores[q][d] = k.centroidMaxSim(table, nqPad, codes, t, t + len, null, max);
                t += len;
            }
        }
    }

    private static float[] readBlock(FileChannel ch, long position, int floats, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(floats * 4).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new IOException(file + " is shorter than its doclens say");
            }
        }
        buf.flip();
        float[] out = new float[floats];
        buf.asFloatBuffer().get(out);
        return out;
    }

    /**
     * The ids (document numbers) of query {@code q}'s best {@code k} documents among those {@code allowed}, best
     * first.
     */
    List<String> top(int q, int k, IntPredicate allowed) {
        float[] s = scores[q];
        TopK best = new TopK(k);
        for (int d = 0; d < s.length; d++) {
            if (allowed.test(d)) {
                best.offer(d, s[d]);
            }
        }
        List<String> out = new ArrayList<>(k);
        for (int d : best.sortedRows(null)) {
            out.add(Integer.toString(d));
        }
        return out;
    }

    /** Writes the score matrix as a {@code [queries, documents]} float32 {@code .npy}. */
    void save(Path file) {
        int nd = scores.length == 0 ? 0 : scores[0].length;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(NpyHeaderBytes.of("<f4", new long[] {scores.length, nd}));
            ByteBuffer row = ByteBuffer.allocate(nd * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] r : scores) {
                row.clear();
                row.asFloatBuffer().put(r);
                out.write(row.array());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a matrix {@link #save} wrote; empty when it is absent or its shape is not {@code [queries, documents]}. */
    static java.util.Optional<FloatMaxSim> load(Path file, int queries, int documents) {
        if (!Files.isRegularFile(file)) {
            return java.util.Optional.empty();
        }
        NpyArray a = NpyArray.read(file);
        if (!Arrays.equals(a.shape(), new long[] {queries, documents})) {
            LOG.info("{} has shape {}, not [{}, {}]: computing it again", file, Arrays.toString(a.shape()), queries, documents);
            return java.util.Optional.empty();
        }
        float[] flat = a.floats();
        float[][] s = new float[queries][];
        for (int q = 0; q < queries; q++) {
            s[q] = Arrays.copyOfRange(flat, q * documents, (q + 1) * documents);
        }
        return java.util.Optional.of(new FloatMaxSim(s));
    }
}
