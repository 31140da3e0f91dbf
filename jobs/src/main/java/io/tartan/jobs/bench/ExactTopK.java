package io.tartan.jobs.bench;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.jobs.input.NpyHeader;
import io.tartan.query.cli.NpyArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Brute-force MaxSim top-k of a gen_synth.py data set: every query of {@code queries.npy} against every document of
 * {@code docs.npy}/{@code doclens.npy}, the ground truth recall is measured against, written as gen_synth.py's
 * {@code exact_top{k}.tsv} (query_idx, doc_idx, rank, score; ties to the lower doc_idx, as its stable argsort).
 *
 * <p>The corpus is streamed in chunks of whole documents (a chunk is a few MB, so a 6 GB docs.npy needs no more heap
 * than the queries), and every query is scored against a chunk while it sits in cache: the Vector API kernel of the
 * query runtime ({@link LateInteractionKernels#centroidScores}, lanes across query tokens) gives a document token's
 * scores against all query tokens, and MaxSim is a running max per query token. Threads take chunks from a shared
 * counter and keep their own top-k per query, merged at the end.
 */
final class ExactTopK {
    private static final Logger LOG = LoggerFactory.getLogger(ExactTopK.class);
    /** Tokens per chunk (4 MB of vectors at dim 128): all queries are scored against it while it is in cache. */
    static final int CHUNK_TOKENS = 8192;

    private final Path docs;
    private final long[] doclens;
    private final long[] offsets;
    private final int dim;
    private final long dataOffset;
    private final int nq;
    private final int qlen;
    private final int nqPad;
    /** Per query, its tokens dim-major with {@code nqPad} columns (the kernel's query layout). */
    private final float[][] qt;

    private ExactTopK(Path docs, long[] doclens, NpyHeader docsHeader, float[] queries, int nq, int qlen) {
        this.docs = docs;
        this.doclens = doclens;
        this.dim = (int) docsHeader.shape()[1];
        this.dataOffset = docsHeader.dataOffset();
        this.offsets = new long[doclens.length + 1];
        for (int d = 0; d < doclens.length; d++) {
            offsets[d + 1] = offsets[d] + doclens[d];
        }
        if (offsets[doclens.length] != docsHeader.shape()[0]) {
            throw new IllegalArgumentException("doclens.npy sums to " + offsets[doclens.length] + " tokens but docs.npy has "
                    + docsHeader.shape()[0]);
        }
        this.nq = nq;
        this.qlen = qlen;
        int pad = LateInteractionKernels.QUERY_PAD;
        this.nqPad = (qlen + pad - 1) / pad * pad;
        this.qt = new float[nq][dim * nqPad];
        for (int q = 0; q < nq; q++) {
            for (int i = 0; i < qlen; i++) {
                for (int d = 0; d < dim; d++) {
                    qt[q][d * nqPad + i] = queries[(q * qlen + i) * dim + d];
                }
            }
        }
    }

    /** Reads the data set's headers and queries ({@code queries.npy [nq, qlen, dim]}). */
    static ExactTopK open(Path dir) {
        Path docs = dir.resolve("docs.npy");
        for (String f : List.of("docs.npy", "doclens.npy", SynthData.QUERIES)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException(dir + " has no " + f + " (make it with ../shared/bench/gen_synth.py)");
            }
        }
        NpyHeader h;
        try (InputStream raw = Files.newInputStream(docs); DataInputStream in = new DataInputStream(raw)) {
            h = NpyHeader.read(in, docs.toString()).require(docs.toString(), 2, "<f4");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + docs + ": " + e.getMessage(), e);
        }
        long[] doclens = NpyArray.read(dir.resolve("doclens.npy")).longs();
        NpyArray q = NpyArray.read(dir.resolve(SynthData.QUERIES));
        long[] shape = q.shape();
        if (shape.length != 3 || shape[2] != h.shape()[1]) {
            throw new IllegalArgumentException(dir.resolve(SynthData.QUERIES) + ": shape " + java.util.Arrays.toString(shape)
                    + " is not [nq, qlen, " + h.shape()[1] + "]");
        }
        return new ExactTopK(docs, doclens, h, q.floats(), (int) shape[0], (int) shape[1]);
    }

    int queries() {
        return nq;
    }

    /** The exact top {@code k} documents of every query, best first, on {@code threads} threads. */
    List<TopK> run(int k, int threads) {
        return run(k, threads, CHUNK_TOKENS);
    }

    /** As {@link #run(int, int)} with chunks of about {@code chunkTokens} tokens. */
    List<TopK> run(int k, int threads, int chunkTokens) {
        List<int[]> chunks = chunks(chunkTokens);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<TopK>>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                parts.add(pool.submit(() -> scan(chunks, next, done, k, start)));
            }
            List<TopK> merged = new ArrayList<>();
            for (int q = 0; q < nq; q++) {
                merged.add(new TopK(k));
            }
            for (Future<List<TopK>> f : parts) {
                List<TopK> part = f.get();
                for (int q = 0; q < nq; q++) {
                    merged.get(q).addAll(part.get(q));
                }
            }
            return merged;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Document ranges {@code [from, to)} of at most {@code chunkTokens} tokens or one document. */
    private List<int[]> chunks(int chunkTokens) {
        List<int[]> out = new ArrayList<>();
        int d = 0;
        while (d < doclens.length) {
            int e = d + 1;
            while (e < doclens.length && offsets[e + 1] - offsets[d] <= chunkTokens) {
                e++;
            }
            out.add(new int[] {d, e});
            d = e;
        }
        return out;
    }

    private List<TopK> scan(List<int[]> chunks, AtomicInteger next, AtomicInteger done, int k, long start)
            throws IOException {
        LateInteractionKernels kernels = InteractionKernels.get();
        List<TopK> top = new ArrayList<>();
        for (int q = 0; q < nq; q++) {
            top.add(new TopK(k));
        }
        long maxChunk = 0;
        for (int[] c : chunks) {
            maxChunk = Math.max(maxChunk, offsets[c[1]] - offsets[c[0]]);
        }
        float[] scores = new float[Math.toIntExact(maxChunk * nqPad)];
        float[] best = new float[qlen];
        int step = Math.max(1, chunks.size() / 20);
        try (FileChannel ch = FileChannel.open(docs, StandardOpenOption.READ)) {
            for (int c = next.getAndIncrement(); c < chunks.size(); c = next.getAndIncrement()) {
                int from = chunks.get(c)[0];
                int to = chunks.get(c)[1];
                float[] vectors = read(ch, offsets[from], offsets[to]);
                int tokens = vectors.length / dim;
                for (int q = 0; q < nq; q++) {
                    // the chunk's tokens against all of the query's tokens at once, then MaxSim document by document
                    kernels.centroidScores(qt[q], nqPad, vectors, tokens, dim, scores);
                    TopK t = top.get(q);
                    for (int d = from; d < to; d++) {
                        int row = (int) (offsets[d] - offsets[from]);
                        t.offer(d, maxSim(scores, row, (int) doclens[d], best));
                    }
                }
                int finished = done.incrementAndGet();
                if (finished % step == 0 || finished == chunks.size()) {
                    double s = (System.nanoTime() - start) / 1e9;
                    LOG.info("exact top-{}: {}/{} chunks in {} s, ETA {} s", k, finished, chunks.size(),
                            String.format(Locale.ROOT, "%.0f", s),
                            String.format(Locale.ROOT, "%.0f", s / finished * (chunks.size() - finished)));
                }
            }
        }
        return top;
    }

    /** Σ_i max_j over a document's token rows {@code [from, from + n)} of {@code [tokens × nqPad]} scores. */
    private float maxSim(float[] scores, int from, int n, float[] best) {
        java.util.Arrays.fill(best, Float.NEGATIVE_INFINITY);
        for (int j = from; j < from + n; j++) {
            int row = j * nqPad;
            for (int i = 0; i < qlen; i++) {
                best[i] = Math.max(best[i], scores[row + i]);
            }
        }
        float total = 0;
        for (int i = 0; i < qlen; i++) {
            total += best[i];
        }
        return total;
    }

    private float[] read(FileChannel ch, long fromToken, long toToken) throws IOException {
        int floats = Math.toIntExact((toToken - fromToken) * dim);
        ByteBuffer buf = ByteBuffer.allocate(floats * 4).order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataOffset + fromToken * dim * 4;
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                throw new IOException(docs + " ends before token " + toToken + " (doclens.npy says more)");
            }
        }
        buf.flip();
        float[] out = new float[floats];
        buf.asFloatBuffer().get(out);
        return out;
    }

    /** Writes gen_synth.py's layout: {@code query_idx, doc_idx, rank, score} with six decimals, tab-separated. */
    static void write(List<TopK> top, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int q = 0; q < top.size(); q++) {
                TopK t = top.get(q);
                for (int r = 0; r < t.size(); r++) {
                    w.write(q + "\t" + t.doc(r) + "\t" + (r + 1) + "\t"
                            + String.format(Locale.ROOT, "%.6f", t.score(r)) + "\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The best {@code k} (doc, score) pairs seen, best first; equal scores rank the lower doc first. */
    static final class TopK {
        private final int[] docs;
        private final float[] scores;
        private int size;

        TopK(int k) {
            this.docs = new int[k];
            this.scores = new float[k];
        }

        void offer(int doc, float score) {
            int k = docs.length;
            if (size == k && !better(score, doc, scores[k - 1], docs[k - 1])) {
                return;
            }
            int i = size < k ? size++ : k - 1;
            while (i > 0 && better(score, doc, scores[i - 1], docs[i - 1])) {
                docs[i] = docs[i - 1];
                scores[i] = scores[i - 1];
                i--;
            }
            docs[i] = doc;
            scores[i] = score;
        }

        private static boolean better(float s, int d, float s2, int d2) {
            return s > s2 || (s == s2 && d < d2);
        }

        void addAll(TopK other) {
            for (int r = 0; r < other.size; r++) {
                offer(other.docs[r], other.scores[r]);
            }
        }

        int size() {
            return size;
        }

        int doc(int rank) {
            return docs[rank];
        }

        float score(int rank) {
            return scores[rank];
        }
    }
}
