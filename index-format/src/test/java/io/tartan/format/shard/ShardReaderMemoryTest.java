package io.tartan.format.shard;

import io.tartan.format.IndexLayout;
import io.tartan.format.codec.SortedCodes;
import io.tartan.format.manifest.DataFile;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading a shard needs a few MB of heap whatever its row-group size: a shard with one 64 MB row group (as shards
 * written with parquet-mr's 128 MB default have) is read by a child JVM whose whole heap is 40 MB.
 */
class ShardReaderMemoryTest {
    private static final int DIM = 128;
    private static final int NBITS = 2;
    private static final int K = 1024;
    private static final int DOCLEN = 100;

    @TempDir
    Path dir;

    @Test
    void aShardWithARowGroupBiggerThanTheHeapIsReadInASmallHeap() throws Exception {
        int rows = 20_000; // 2M tokens, 64 MB of residuals (incompressible), in one row group
        Configuration conf = new Configuration();
        conf.setLong(ShardWriter.ROW_GROUP_BYTES, 256L << 20);
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        ShardSpec spec = new ShardSpec(DIM, NBITS, 4, K);
        Random rnd = new Random(3);
        long sum = 0;
        DataFile f;
        try (ShardWriter w = ShardWriter.create(conf, layout, "data/big.parquet", spec)) {
            for (int i = 0; i < rows; i++) {
                ShardRow row = row(rnd, i, i % 7 == 0 ? Map.of("n", Integer.toString(i)) : null);
                for (byte b : row.residuals()) {
                    sum += b;
                }
                w.write(row);
            }
            f = w.finish();
        }
        assertTrue(f.sizeBytes() > 60_000_000, "the shard must be bigger than the child's heap: " + f.sizeBytes());

        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx40m",
                "-Dorg.apache.logging.log4j.level=WARN", "-cp", System.getProperty("java.class.path"),
                ShardReadProbe.class.getName(), layout.root().toString(), f.path(), Long.toString(f.sizeBytes()),
                Long.toString(f.recordCount()), Long.toString(f.tokenCount()), f.checksum(), Integer.toString(DIM),
                Integer.toString(NBITS), Integer.toString(K));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "probe JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("rows=" + rows + " residual_sum=" + sum), out);
    }

    @Test
    void readingInWindowsOfPagesReturnsEveryRowOnceInOrder() {
        Configuration conf = new Configuration();
        conf.setLong(PageWindowReader.WINDOW_BYTES, 300_000); // a few pages of residuals a window
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        ShardSpec spec = new ShardSpec(DIM, NBITS, 4, K);
        Random rnd = new Random(5);
        List<ShardRow> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) { // ~9.6 MB of residuals: ten 1 MB pages
            rows.add(row(rnd, 10L * i, i % 3 == 0 ? Map.of("i", Integer.toString(i)) : null));
        }
        DataFile f;
        try (ShardWriter w = ShardWriter.create(conf, layout, "data/s.parquet", spec)) {
            rows.forEach(w::write);
            f = w.finish();
        }
        List<ShardRow> back = new ArrayList<>();
        ShardReader.read(conf, layout, f, spec, back::add);
        assertEquals(rows.size(), back.size());
        for (int i = 0; i < rows.size(); i++) {
            ShardRow a = rows.get(i), b = back.get(i);
            assertEquals(a.pid(), b.pid());
            assertEquals(a.docId(), b.docId());
            assertArrayEquals(a.codes(), b.codes());
            assertArrayEquals(a.residuals(), b.residuals());
            assertEquals(a.metadata(), b.metadata());
        }
    }

    private static ShardRow row(Random rnd, long pid, Map<String, String> metadata) {
        int[] codes = new int[DOCLEN];
        for (int t = 0; t < DOCLEN; t++) {
            codes[t] = rnd.nextInt(K);
        }
        Arrays.sort(codes);
        byte[] res = new byte[DOCLEN * DIM * NBITS / 8];
        rnd.nextBytes(res);
        return new ShardRow(pid, "doc-" + pid, DOCLEN, SortedCodes.encode(codes, 0, DOCLEN), res, metadata);
    }
}
