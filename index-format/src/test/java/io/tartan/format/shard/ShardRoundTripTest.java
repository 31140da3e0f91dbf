package io.tartan.format.shard;

import io.tartan.format.CorruptFileException;
import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardRoundTripTest {
    private static final ShardSpec SPEC = new ShardSpec(16, 2, 2);

    @TempDir
    Path dir;

    @Test
    void writeThenReadBack() {
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        Configuration conf = new Configuration();
        List<ShardRow> rows = rows(50, new Random(4));
        DataFile f;
        try (ShardWriter w = ShardWriter.create(conf, layout, "data/part-00000.parquet", SPEC)) {
            rows.forEach(w::write);
            f = w.finish();
        }
        assertEquals(50, f.recordCount());
        assertEquals(rows.stream().mapToLong(ShardRow::doclen).sum(), f.tokenCount());
        assertEquals(0, f.minPid());
        assertEquals(49, f.maxPid());
        assertEquals(f.sizeBytes(), dir.resolve("data/part-00000.parquet").toFile().length());

        List<ShardRow> back = new ArrayList<>();
        ShardReader.read(conf, layout, f, SPEC, back::add);
        assertEquals(rows.size(), back.size());
        for (int i = 0; i < rows.size(); i++) {
            ShardRow a = rows.get(i), b = back.get(i);
            assertEquals(a.pid(), b.pid());
            assertEquals(a.docId(), b.docId());
            assertEquals(a.doclen(), b.doclen());
            assertArrayEquals(a.codes(), b.codes());
            assertArrayEquals(a.residuals(), b.residuals());
            if (a.metadata() == null) {
                assertNull(b.metadata());
            } else {
                assertEquals(a.metadata(), b.metadata());
            }
        }
    }

    @Test
    void flippedByteIsDetectedAndTheFileNamed() throws Exception {
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        Configuration conf = new Configuration();
        DataFile f;
        try (ShardWriter w = ShardWriter.create(conf, layout, "data/s.parquet", SPEC)) {
            rows(20, new Random(5)).forEach(w::write);
            f = w.finish();
        }
        Path p = dir.resolve("data/s.parquet");
        byte[] bytes = Files.readAllBytes(p);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(p, bytes);
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> ShardReader.read(conf, layout, f, SPEC, r -> { }));
        assertTrue(e.getMessage().contains("data/s.parquet") && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void mismatchedSettingsAreRejected() {
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        Configuration conf = new Configuration();
        DataFile f;
        try (ShardWriter w = ShardWriter.create(conf, layout, "data/t.parquet", SPEC)) {
            rows(3, new Random(6)).forEach(w::write);
            f = w.finish();
        }
        var e = assertThrows(io.tartan.format.IndexFormatException.class,
                () -> ShardReader.read(conf, layout, f, new ShardSpec(16, 4, 2), r -> { }));
        assertTrue(e.getMessage().contains("tartan.nbits"), e.getMessage());
    }

    @Test
    void badRowsAreRejectedWithTheDocumentNamed() {
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        try (ShardWriter w = ShardWriter.create(new Configuration(), layout, "data/u.parquet", SPEC)) {
            var e1 = assertThrows(IllegalArgumentException.class,
                    () -> w.write(new ShardRow(0, "d0", 2, new byte[4], new byte[7], null)));
            assertTrue(e1.getMessage().contains("'d0'") && e1.getMessage().contains("residuals"), e1.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class,
                    () -> w.write(new ShardRow(1, "empty", 0, new byte[0], new byte[0], null)));
            assertTrue(e2.getMessage().contains("no tokens"), e2.getMessage());
            w.write(new ShardRow(5, "ok", 1, new byte[2], new byte[4], null));
            var e3 = assertThrows(IllegalArgumentException.class,
                    () -> w.write(new ShardRow(5, "dup", 1, new byte[2], new byte[4], null)));
            assertTrue(e3.getMessage().contains("ascending"), e3.getMessage());
        }
    }

    static List<ShardRow> rows(int n, Random rnd) {
        List<ShardRow> rows = new ArrayList<>();
        for (int pid = 0; pid < n; pid++) {
            int len = 1 + rnd.nextInt(30);
            byte[] codes = new byte[len * SPEC.codeWidth()];
            byte[] res = new byte[len * SPEC.residualBytesPerToken()];
            rnd.nextBytes(codes);
            rnd.nextBytes(res);
            rows.add(new ShardRow(pid, "doc-" + pid, len, codes, res, pid % 3 == 0 ? Map.of("lang", "en", "n", "" + pid) : null));
        }
        return rows;
    }
}
