package io.tartan.format.shard;

import io.tartan.format.CorruptFileException;
import io.tartan.format.IndexLayout;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.codec.SortedCodes;
import io.tartan.format.manifest.DataFile;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
        ShardSpec spec = new ShardSpec(16, 2, 2, 1000);
        byte[] twoCodes = SortedCodes.encode(new int[] {4, 9}, 0, 2);
        try (ShardWriter w = ShardWriter.create(new Configuration(), layout, "data/u.parquet", spec)) {
            var e1 = assertThrows(IllegalArgumentException.class,
                    () -> w.write(new ShardRow(0, "d0", 2, twoCodes, new byte[7], null)));
            assertTrue(e1.getMessage().contains("'d0'") && e1.getMessage().contains("residuals"), e1.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class,
                    () -> w.write(new ShardRow(1, "empty", 0, new byte[0], new byte[0], null)));
            assertTrue(e2.getMessage().contains("no tokens"), e2.getMessage());
            var fixedWidth = assertThrows(IllegalArgumentException.class,
                    () -> w.write(new ShardRow(2, "fixed", 2, new byte[] {4, 0, 9, 0}, new byte[8], null)));
            assertTrue(fixedWidth.getMessage().contains("'fixed'") && fixedWidth.getMessage().contains("codes"),
                    fixedWidth.getMessage());
            var tooLarge = assertThrows(IllegalArgumentException.class, () -> w.write(
                    new ShardRow(3, "big", 1, SortedCodes.encode(new int[] {1000}, 0, 1), new byte[4], null)));
            assertTrue(tooLarge.getMessage().contains("code 1000 of 1000"), tooLarge.getMessage());
            w.write(new ShardRow(5, "ok", 2, twoCodes, new byte[8], null));
            var e3 = assertThrows(IllegalArgumentException.class,
                    () -> w.write(new ShardRow(5, "dup", 2, twoCodes, new byte[8], null)));
            assertTrue(e3.getMessage().contains("ascending"), e3.getMessage());
        }
    }

    @Test
    void rowsStoreTokensSortedByCodeWithTheirResiduals() {
        int[] codes = {7, 3, 7, 1, 3};
        byte[] res = new byte[5 * 4];
        for (int t = 0; t < 5; t++) {
            Arrays.fill(res, t * 4, t * 4 + 4, (byte) t);
        }
        ShardRow row = ShardRow.of(9, "d", new ResidualCodec.Compressed(codes, res), 1, null);
        assertEquals(5, row.doclen());
        assertArrayEquals(new int[] {1, 3, 3, 7, 7}, row.decodeCodes(8));
        // token 3 (code 1), then tokens 1 and 4 (code 3, input order kept), then tokens 0 and 2 (code 7)
        byte[] want = new byte[20];
        int[] order = {3, 1, 4, 0, 2};
        for (int i = 0; i < 5; i++) {
            Arrays.fill(want, i * 4, i * 4 + 4, (byte) order[i]);
        }
        assertArrayEquals(want, row.residuals());
        var e = assertThrows(IllegalArgumentException.class,
                () -> ShardRow.of(1, "wide", new ResidualCodec.Compressed(new int[] {256}, new byte[4]), 1, null));
        assertTrue(e.getMessage().contains("'wide'"), e.getMessage());
    }

    static List<ShardRow> rows(int n, Random rnd) {
        List<ShardRow> rows = new ArrayList<>();
        for (int pid = 0; pid < n; pid++) {
            int len = 1 + rnd.nextInt(30);
            int[] codes = new int[len];
            for (int t = 0; t < len; t++) {
                codes[t] = rnd.nextInt(SPEC.numCentroids());
            }
            byte[] res = new byte[len * SPEC.residualBytesPerToken()];
            rnd.nextBytes(res);
            rows.add(ShardRow.of(pid, "doc-" + pid, new ResidualCodec.Compressed(codes, res), SPEC.codeWidth(),
                    pid % 3 == 0 ? Map.of("lang", "en", "n", "" + pid) : null));
        }
        return rows;
    }
}
