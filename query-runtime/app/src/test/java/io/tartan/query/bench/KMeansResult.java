package io.tartan.query.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Centroids and codes of one {@link SynthIndexBuilder} clustering run, kept beside the synthetic data so that a
 * rebuild with another on-disk layout skips the k-means (the expensive, layout-independent part).
 */
record KMeansResult(float[] centroids, int[] sampleCodes, int[] codes) {

    /** The cached result, or null if there is none for these sizes. */
    static KMeansResult read(Path file, int k, int dim, int n, int m) {
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != k || in.readInt() != dim || in.readInt() != n || in.readInt() != m) {
                return null;
            }
            float[] c = new float[k * dim];
            for (int i = 0; i < c.length; i++) {
                c[i] = in.readFloat();
            }
            return new KMeansResult(c, ints(in, m), ints(in, n));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read k-means cache " + file, e);
        }
    }

    void write(Path file, int k, int dim) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
            out.writeInt(k);
            out.writeInt(dim);
            out.writeInt(codes.length);
            out.writeInt(sampleCodes.length);
            for (float f : centroids) {
                out.writeFloat(f);
            }
            for (int c : sampleCodes) {
                out.writeInt(c);
            }
            for (int c : codes) {
                out.writeInt(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write k-means cache " + file, e);
        }
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write k-means cache " + file, e);
        }
    }

    private static int[] ints(DataInputStream in, int n) throws IOException {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readInt();
        }
        return a;
    }
}
