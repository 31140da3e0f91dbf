package io.tartan.query.segment;

import io.tartan.format.IndexFormatException;
import io.tartan.format.IndexLayout;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import io.tartan.query.IntLimit;
import io.tartan.query.load.TokenNorms;
import org.apache.hadoop.conf.Configuration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Decodes one shard (read and verified by {@link ShardReader}) into the fixed-width serving layout and writes it as a
 * segment file: to a temporary name first, then renamed over {@code out} atomically, so a reader never sees a
 * half-written segment and two processes building the same one both leave a whole file.
 *
 * <p>The shard is decoded in the heap (its Parquet bytes are, too, while {@link ShardReader} parses them), so one
 * shard's arrays must fit Java arrays; that bounds a shard, not an index, and is checked with a named error.
 */
final class SegmentBuilder {
    private SegmentBuilder() {
    }

    static SegmentHeader build(Configuration conf, IndexLayout from, DataFile f, ShardSpec spec, ResidualCodec codec,
            Path out, int threads) {
        String name = from.resolve(f.path()).toString();
        String hint = "write smaller shards";
        int rows = IntLimit.check(f.recordCount(), name, "rows in one shard", hint);
        int bpt = spec.residualBytesPerToken();
        int tokens = IntLimit.check(f.tokenCount(), name, "tokens in one shard", hint);
        IntLimit.check(f.tokenCount() * bpt, name, "residual bytes in one shard", hint);
        int k = spec.numCentroids();
        Decoded s = new Decoded(rows, tokens, bpt);
        ShardReader.read(conf, from, f, spec, row -> s.add(row, k, name));
        if (s.rows != rows || s.tokens != tokens) {
            throw new IndexFormatException(name + ": has " + s.rows + " rows and " + s.tokens + " tokens, manifest says "
                    + rows + " and " + tokens);
        }
        float[] invNorms = TokenNorms.inverseNorms(codec, s.codes, s.residuals, threads);
        long[] ivfOffsets = new long[k + 1];
        for (int i = 0; i < s.ncells; i++) {
            ivfOffsets[s.cells[i] + 1]++;
        }
        for (int c = 0; c < k; c++) {
            ivfOffsets[c + 1] += ivfOffsets[c];
        }
        int[] ivfRows = new int[s.ncells];
        long[] fill = Arrays.copyOf(ivfOffsets, k);
        for (int r = 0; r < rows; r++) {
            for (long i = s.cellOffsets[r]; i < s.cellOffsets[r + 1]; i++) {
                ivfRows[(int) fill[s.cells[(int) i]]++] = r;
            }
        }
        byte[] ids = s.ids.toByteArray();
        int[] idSorted = sortedById(ids, s.idOffsets, rows);
        SegmentHeader h = new SegmentHeader(f.checksum(), f.sizeBytes(), spec.dim(), spec.nbits(), k, s.maxDoclen,
                rows, tokens, s.ncells, ids.length, 0);
        try {
            Files.createDirectories(out.getParent());
            Path tmp = out.resolveSibling("." + out.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                int crc;
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    SectionWriter w = new SectionWriter(ch);
                    w.longs(s.pids, rows);
                    w.longs(s.docOffsets, rows + 1);
                    w.longs(s.cellOffsets, rows + 1);
                    w.longs(s.idOffsets, rows + 1);
                    w.longs(ivfOffsets, k + 1);
                    w.ints(s.codes, tokens);
                    w.floats(invNorms, tokens);
                    w.ints(s.cells, s.ncells);
                    w.ints(ivfRows, ivfRows.length);
                    w.ints(idSorted, rows);
                    w.zeros((int) (h.residualsAt() - w.position()));
                    w.bytes(s.residuals, tokens * bpt);
                    w.bytes(ids, ids.length);
                    crc = w.finish();
                    if (w.position() != h.fileLength()) {
                        throw new IllegalStateException(out + ": wrote " + w.position() + " bytes, layout says " + h.fileLength());
                    }
                    h = new SegmentHeader(h.sourceChecksum(), h.sourceSize(), h.dim(), h.nbits(), h.numCentroids(),
                            h.maxDoclen(), h.rows(), h.tokens(), h.cells(), h.idBytes(), crc);
                    ch.write(h.encode(), 0);
                    ch.force(true);
                }
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write serving segment " + out + ": " + e.getMessage(), e);
        }
        return h;
    }

    /** Rows ordered by their doc id's UTF-8 bytes (unsigned), the order {@link ShardSegment#rowOfDocId} searches. */
    private static int[] sortedById(byte[] ids, long[] offsets, int rows) {
        return java.util.stream.IntStream.range(0, rows).boxed().sorted((a, b) -> Arrays.compareUnsigned(
                ids, (int) offsets[a], (int) offsets[a + 1], ids, (int) offsets[b], (int) offsets[b + 1]))
                .mapToInt(Integer::intValue).toArray();
    }

    /** One shard's rows decoded: the arrays a segment holds, filled row by row. */
    private static final class Decoded {
        final long[] pids;
        final long[] docOffsets;
        final long[] cellOffsets;
        final long[] idOffsets;
        final int[] codes;
        final byte[] residuals;
        final int[] cells;
        final ByteArrayOutputStream ids = new ByteArrayOutputStream();
        final int bpt;
        int rows;
        int tokens;
        int ncells;
        int maxDoclen;

        Decoded(int rows, int tokens, int bpt) {
            this.bpt = bpt;
            pids = new long[rows];
            docOffsets = new long[rows + 1];
            cellOffsets = new long[rows + 1];
            idOffsets = new long[rows + 1];
            codes = new int[tokens];
            residuals = new byte[tokens * bpt];
            cells = new int[tokens];
        }

        void add(ShardRow row, int k, String name) {
            int n = row.doclen();
            if (rows == pids.length || (long) tokens + n > codes.length) {
                throw new IndexFormatException(name + ": holds more rows or tokens than the manifest says ("
                        + pids.length + " rows, " + codes.length + " tokens)");
            }
            if (rows > 0 && row.pid() <= pids[rows - 1]) {
                throw new IndexFormatException(name + ": pid " + row.pid() + " after " + pids[rows - 1]
                        + " (rows must be in ascending pid order)");
            }
            pids[rows] = row.pid();
            row.decodeCodes(k, codes, tokens);
            System.arraycopy(row.residuals(), 0, residuals, tokens * bpt, n * bpt);
            // codes of a row are sorted (FORMAT.md 6.2), so its distinct cells are its runs
            int c0 = ncells;
            for (int t = tokens; t < tokens + n; t++) {
                if (ncells == c0 || codes[t] != cells[ncells - 1]) {
                    cells[ncells++] = codes[t];
                }
            }
            if (!isAscending(cells, c0, ncells)) {
                Arrays.sort(cells, c0, ncells);
                int u = c0;
                for (int i = c0; i < ncells; i++) {
                    if (u == c0 || cells[i] != cells[u - 1]) {
                        cells[u++] = cells[i];
                    }
                }
                ncells = u;
            }
            byte[] id = row.docId().getBytes(StandardCharsets.UTF_8);
            ids.write(id, 0, id.length);
            tokens += n;
            maxDoclen = Math.max(maxDoclen, n);
            rows++;
            docOffsets[rows] = tokens;
            cellOffsets[rows] = ncells;
            idOffsets[rows] = ids.size();
        }

        private static boolean isAscending(int[] a, int from, int to) {
            for (int i = from + 1; i < to; i++) {
                if (a[i] <= a[i - 1]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Writes little-endian sections through one buffer and checksums every byte it writes. */
    private static final class SectionWriter {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        private long position = SegmentHeader.SIZE;

        SectionWriter(FileChannel ch) throws IOException {
            this.ch = ch;
            ch.position(SegmentHeader.SIZE);
        }

        long position() {
            return position + buf.position();
        }

        void longs(long[] a, int n) throws IOException {
            for (int i = 0; i < n; i++) {
                room(8).putLong(a[i]);
            }
        }

        void ints(int[] a, int n) throws IOException {
            for (int i = 0; i < n; i++) {
                room(4).putInt(a[i]);
            }
        }

        void floats(float[] a, int n) throws IOException {
            for (int i = 0; i < n; i++) {
                room(4).putFloat(a[i]);
            }
        }

        void zeros(int n) throws IOException {
            for (int i = 0; i < n; i++) {
                room(1).put((byte) 0);
            }
        }

        void bytes(byte[] a, int n) throws IOException {
            int off = 0;
            while (off < n) {
                int m = Math.min(n - off, room(1).remaining());
                buf.put(a, off, m);
                off += m;
            }
        }

        private ByteBuffer room(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
            return buf;
        }

        private void flush() throws IOException {
            buf.flip();
            crc.update(buf.duplicate());
            position += buf.remaining();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }

        /** Flushes; returns the CRC32C of everything written. */
        int finish() throws IOException {
            flush();
            return (int) crc.getValue();
        }
    }
}
