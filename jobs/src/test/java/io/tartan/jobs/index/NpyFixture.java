package io.tartan.jobs.index;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Clustered token vectors for tests, written in gen_synth.py's layout ({@code docs.npy}, {@code doclens.npy},
 * {@code ids.txt}): each document draws its tokens around a few of {@code topics} random directions, so nearest
 * centroids and MaxSim rankings are meaningful.
 */
final class NpyFixture {
    final int dim;
    final List<float[]> docs = new ArrayList<>();
    final List<String> ids = new ArrayList<>();

    NpyFixture(int ndocs, int dim, int topics, long seed) {
        this.dim = dim;
        Random r = new Random(seed);
        float[][] t = new float[topics][];
        for (int i = 0; i < topics; i++) {
            t[i] = unit(gaussian(r, dim, 1f));
        }
        for (int d = 0; d < ndocs; d++) {
            int n = 8 + r.nextInt(24);
            float[] m = new float[n * dim];
            int a = r.nextInt(topics);
            int b = r.nextInt(topics);
            for (int k = 0; k < n; k++) {
                float[] base = k % 3 == 0 ? t[b] : t[a];
                float[] noise = gaussian(r, dim, 0.35f);
                float[] v = new float[dim];
                for (int x = 0; x < dim; x++) {
                    v[x] = base[x] + noise[x];
                }
                System.arraycopy(unit(v), 0, m, k * dim, dim);
            }
            docs.add(m);
            ids.add("doc-" + d);
        }
    }

    /** A query: noisy copies of some of a document's tokens. */
    float[] queryFrom(int doc, int qlen, long seed) {
        Random r = new Random(seed);
        float[] src = docs.get(doc);
        int n = src.length / dim;
        float[] q = new float[qlen * dim];
        for (int i = 0; i < qlen; i++) {
            float[] noise = gaussian(r, dim, 0.2f);
            float[] v = new float[dim];
            int tok = r.nextInt(n);
            for (int x = 0; x < dim; x++) {
                v[x] = src[tok * dim + x] + noise[x];
            }
            System.arraycopy(unit(v), 0, q, i * dim, dim);
        }
        return q;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        int tokens = docs.stream().mapToInt(m -> m.length / dim).sum();
        ByteBuffer data = ByteBuffer.allocate(tokens * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        docs.forEach(m -> {
            for (float f : m) {
                data.putFloat(f);
            }
        });
        writeNpy(dir.resolve("docs.npy"), "<f4", "(" + tokens + ", " + dim + ")", data.array());
        ByteBuffer lens = ByteBuffer.allocate(docs.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        docs.forEach(m -> lens.putLong(m.length / dim));
        writeNpy(dir.resolve("doclens.npy"), "<i8", "(" + docs.size() + ",)", lens.array());
        Files.write(dir.resolve("ids.txt"), ids);
    }

    static void writeNpy(Path file, String dtype, String shape, byte[] data) throws IOException {
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int headerLen = 10 + dict.length() + 1;
        int pad = (64 - headerLen % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            int len = header.length();
            out.write(new byte[] {(byte) (len & 0xFF), (byte) (len >> 8)});
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(data);
        }
    }

    private static float[] gaussian(Random r, int dim, float scale) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian() * scale / (float) Math.sqrt(dim);
        }
        return v;
    }

    static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
