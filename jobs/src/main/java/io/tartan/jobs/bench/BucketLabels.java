package io.tartan.jobs.bench;

import io.tartan.query.cli.NpyArray;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A gen_synth.py data set with a metadata label on every document: {@code metadata.jsonl} holding
 * {@code {"bucket": b}}, b drawn uniformly from 0..{@value #BUCKETS}-1 by a seeded generator, so {@code bucket < p}
 * keeps about p% of the documents, the same ones on every run. The labelled copy is a new folder whose
 * {@code docs.npy} and {@code doclens.npy} are symbolic links to the source's: the source folder is never written.
 *
 * @param buckets each document's bucket, in document order
 */
record BucketLabels(Path dir, int[] buckets) {
    static final int BUCKETS = 100;
    static final String KEY = "bucket";

    /** Writes (or rewrites) the labelled folder {@code target} over the documents of {@code source}. */
    static BucketLabels write(Path source, Path target, long seed) {
        Path src = source.toAbsolutePath().normalize();
        Path dst = target.toAbsolutePath().normalize();
        if (src.equals(dst)) {
            throw new IllegalArgumentException("the labelled copy must be another folder than the data set " + src);
        }
        int docs = NpyArray.read(src.resolve("doclens.npy")).longs().length;
        int[] buckets = new int[docs];
        SplittableRandom rnd = new SplittableRandom(seed);
        try {
            Files.createDirectories(dst);
            for (String f : new String[] {"docs.npy", "doclens.npy"}) {
                Path link = dst.resolve(f);
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, src.resolve(f));
            }
            try (BufferedWriter w = Files.newBufferedWriter(dst.resolve("metadata.jsonl"), StandardCharsets.UTF_8)) {
                for (int d = 0; d < docs; d++) {
                    buckets[d] = rnd.nextInt(BUCKETS);
                    w.write("{\"" + KEY + "\": " + buckets[d] + "}\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the labelled data set " + dst + ": " + e.getMessage(), e);
        }
        return new BucketLabels(dst, buckets);
    }

    /** The filter that keeps the documents with {@code bucket < percent}. */
    static String filter(int percent) {
        return KEY + " < " + percent;
    }

    /** Whether document {@code doc} passes {@link #filter(int)}. */
    boolean allowed(int doc, int percent) {
        return buckets[doc] < percent;
    }

    int allowedCount(int percent) {
        int n = 0;
        for (int b : buckets) {
            n += b < percent ? 1 : 0;
        }
        return n;
    }
}
