package io.tartan.jobs.bench;

import io.tartan.jobs.input.NpyHeader;
import io.tartan.query.cli.NpyArray;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code gen_synth.py} data set: {@code docs.npy}, {@code doclens.npy} (the IndexJob's npy input), the queries
 * {@code queries.npy [nq, qlen, dim]} and brute-force MaxSim's {@code exact_top10.tsv} (query_idx, doc_idx, rank,
 * score); document ids are the document numbers, as IndexJob gives npy input without ids.txt.
 */
record SynthData(Path dir, List<float[]> queries, List<List<String>> exactTop10) {
    static final String QUERIES = "queries.npy";
    static final String EXACT = "exact_top10.tsv";

    static SynthData load(Path dir) {
        for (String f : List.of("docs.npy", "doclens.npy", QUERIES, EXACT)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException(dir + " has no " + f + " (make it with ../shared/bench/gen_synth.py)");
            }
        }
        NpyArray q = NpyArray.read(dir.resolve(QUERIES));
        long[] shape = q.shape();
        if (shape.length != 3) {
            throw new IllegalArgumentException(dir.resolve(QUERIES) + ": shape " + Arrays.toString(shape)
                    + " is not [nq, qlen, dim]");
        }
        int nq = (int) shape[0];
        int per = (int) (shape[1] * shape[2]);
        List<float[]> queries = new ArrayList<>(nq);
        for (int i = 0; i < nq; i++) {
            queries.add(Arrays.copyOfRange(q.floats(), i * per, (i + 1) * per));
        }
        return new SynthData(dir, queries, readExact(dir.resolve(EXACT), nq));
    }

    private static List<List<String>> readExact(Path file, int nq) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < nq; i++) {
            out.add(new ArrayList<>());
        }
        try {
            int no = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                int qi;
                try {
                    qi = Integer.parseInt(f[0]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + no + ": query index is not a number: " + f[0]);
                }
                if (f.length < 3 || qi < 0 || qi >= nq) {
                    throw new IllegalArgumentException(file + ":" + no + ": expected query_idx (< " + nq
                            + "), doc_idx, rank[, score]; got: " + line);
                }
                out.get(qi).add(f[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Writes the first {@code docs} documents of {@code source} (docs.npy and doclens.npy) to {@code target}: the
     * smaller corpora of the scaling benchmark.
     *
     * @return the number of tokens written
     */
    static long writePrefix(Path source, int docs, Path target) {
        long[] doclens = NpyArray.read(source.resolve("doclens.npy")).longs();
        if (docs <= 0 || docs > doclens.length) {
            throw new IllegalArgumentException("cannot take " + docs + " of " + doclens.length + " documents");
        }
        long tokens = Arrays.stream(doclens, 0, docs).sum();
        try {
            Files.createDirectories(target);
            Path docsFile = source.resolve("docs.npy");
            try (InputStream raw = Files.newInputStream(docsFile); DataInputStream in = new DataInputStream(raw);
                 OutputStream out = Files.newOutputStream(target.resolve("docs.npy"))) {
                NpyHeader h = NpyHeader.read(in, docsFile.toString()).require(docsFile.toString(), 2, "<f4");
                long width = h.shape()[1];
                out.write(NpyHeaderBytes.of("<f4", new long[] {tokens, width}));
                long bytes = tokens * width * 4;
                byte[] buf = new byte[1 << 20];
                while (bytes > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, bytes));
                    if (n < 0) {
                        throw new IOException(docsFile + " is shorter than its doclens say");
                    }
                    out.write(buf, 0, n);
                    bytes -= n;
                }
            }
            ByteBuffer lens = ByteBuffer.allocate(docs * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < docs; i++) {
                lens.putLong(doclens[i]);
            }
            try (OutputStream out = Files.newOutputStream(target.resolve("doclens.npy"))) {
                out.write(NpyHeaderBytes.of("<i8", new long[] {docs}));
                out.write(lens.array());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return tokens;
    }
}
