package io.tartan.jobs.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketLabelsTest {
    @TempDir
    Path dir;

    private Path dataSet(int docs) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        ByteBuffer lens = ByteBuffer.allocate(docs * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < docs; i++) {
            lens.putLong(3);
        }
        try (OutputStream out = Files.newOutputStream(src.resolve("doclens.npy"))) {
            out.write(NpyHeaderBytes.of("<i8", new long[] {docs}));
            out.write(lens.array());
        }
        Files.writeString(src.resolve("docs.npy"), "not read here");
        return src;
    }

    @Test
    void labelsEveryDocumentOnceWithASeededUniformBucketWithoutWritingTheSource() throws Exception {
        Path src = dataSet(20_000);
        BucketLabels a = BucketLabels.write(src, dir.resolve("labelled"), 15);
        List<String> lines = Files.readAllLines(a.dir().resolve("metadata.jsonl"));
        assertEquals(20_000, lines.size());
        assertEquals("{\"bucket\": " + a.buckets()[7] + "}", lines.get(7));
        assertTrue(Files.isSymbolicLink(a.dir().resolve("docs.npy")));
        assertEquals(src.resolve("doclens.npy").toAbsolutePath(), Files.readSymbolicLink(a.dir().resolve("doclens.npy")));
        assertFalse(Files.exists(src.resolve("metadata.jsonl")), "the source data set is only read");
        // bucket < p keeps about p% (binomial: 3 sigma at 1% of 20,000 is ~42 documents)
        for (int p : new int[] {1, 10, 50}) {
            double share = a.allowedCount(p) / 20_000.0;
            assertEquals(p / 100.0, share, 3 * Math.sqrt(p / 100.0 * (1 - p / 100.0) / 20_000), "bucket < " + p);
        }
        assertEquals("bucket < 10", BucketLabels.filter(10));
        assertEquals(a.buckets()[3] < 10, a.allowed(3, 10));

        BucketLabels again = BucketLabels.write(src, dir.resolve("labelled"), 15);
        assertArrayEquals(a.buckets(), again.buckets(), "same seed, same labels");
        assertFalse(java.util.Arrays.equals(a.buckets(), BucketLabels.write(src, dir.resolve("other"), 16).buckets()));
    }

    @Test
    void refusesToLabelTheDataSetInPlace() throws Exception {
        Path src = dataSet(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BucketLabels.write(src, src, 1));
        assertTrue(e.getMessage().contains("another folder"), e.getMessage());
    }
}
