package io.tartan.jobs.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small data set in gen_synth.py's layout (docs.npy, doclens.npy, queries.npy, exact_top10.tsv), made the same
 * way: token types on the unit sphere, documents drawing a few types each, queries built around a target document,
 * and the exact top 10 by brute-force MaxSim over the raw vectors.
 */
final class TinySynth {
    static final int DIM = 32;
    static final int TYPES = 96;
    static final int QLEN = 8;

    private TinySynth() {
    }

    static void write(Path dir, int docs, int queries) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(5);
        float[][] types = new float[TYPES][];
        for (int t = 0; t < TYPES; t++) {
            types[t] = noisy(rnd, new float[DIM], 1f);
        }
        long[] doclens = new long[docs];
        List<int[]> docTypes = new ArrayList<>();
        List<float[]> tokens = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            int[] ts = new int[5];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = rnd.nextInt(TYPES);
            }
            docTypes.add(ts);
            doclens[d] = 10 + rnd.nextInt(21);
            for (int i = 0; i < doclens[d]; i++) {
                tokens.add(noisy(rnd, types[ts[rnd.nextInt(ts.length)]], 0.35f));
            }
        }
        float[][] qs = new float[queries * QLEN][];
        int[] targets = new int[queries];
        for (int q = 0; q < queries; q++) {
            targets[q] = rnd.nextInt(docs);
            for (int i = 0; i < QLEN; i++) {
                int type = i < QLEN * 3 / 4 ? docTypes.get(targets[q])[rnd.nextInt(5)] : rnd.nextInt(TYPES);
                qs[q * QLEN + i] = noisy(rnd, types[type], 0.35f);
            }
        }
        writeFloats(dir.resolve("docs.npy"), tokens, new long[] {tokens.size(), DIM});
        writeFloats(dir.resolve("queries.npy"), List.of(qs), new long[] {queries, QLEN, DIM});
        ByteBuffer lens = ByteBuffer.allocate(docs * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : doclens) {
            lens.putLong(l);
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("doclens.npy"))) {
            out.write(NpyHeaderBytes.of("<i8", new long[] {docs}));
            out.write(lens.array());
        }
        StringBuilder exact = new StringBuilder();
        for (int q = 0; q < queries; q++) {
            double[] score = new double[docs];
            int off = 0;
            for (int d = 0; d < docs; d++) {
                for (int i = 0; i < QLEN; i++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (int t = off; t < off + doclens[d]; t++) {
                        best = Math.max(best, dot(qs[q * QLEN + i], tokens.get(t)));
                    }
                    score[d] += best;
                }
                off += (int) doclens[d];
            }
            Integer[] order = new Integer[docs];
            for (int d = 0; d < docs; d++) {
                order[d] = d;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
            for (int r = 0; r < 10; r++) {
                exact.append(q).append('\t').append(order[r]).append('\t').append(r + 1).append('\t')
                        .append((float) score[order[r]]).append('\n');
            }
        }
        Files.writeString(dir.resolve("exact_top10.tsv"), exact);
    }

    /** {@code base} plus Gaussian noise of total norm ≈ {@code noise}, normalised; a zero base gives a random direction. */
    private static float[] noisy(Random rnd, float[] base, float noise) {
        float[] v = new float[DIM];
        double n = 0;
        for (int d = 0; d < DIM; d++) {
            v[d] = base[d] + noise * (float) (rnd.nextGaussian() / Math.sqrt(DIM));
            n += v[d] * v[d];
        }
        for (int d = 0; d < DIM; d++) {
            v[d] /= (float) Math.sqrt(n);
        }
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int d = 0; d < DIM; d++) {
            s += a[d] * b[d];
        }
        return s;
    }

    static void writeFloats(Path file, List<float[]> rows, long[] shape) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(rows.size() * DIM * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] r : rows) {
            for (float f : r) {
                b.putFloat(f);
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(NpyHeaderBytes.of("<f4", shape));
            out.write(b.array());
        }
    }
}
