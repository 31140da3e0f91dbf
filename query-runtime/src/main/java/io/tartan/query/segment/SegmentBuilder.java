package io.tartan.query.segment;

import io.tartan.format.IndexFormatException;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.shard.ShardFileReader;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import io.tartan.query.IntLimit;
import io.tartan.query.load.FileSource;
import io.tartan.query.load.TokenNorms;
import io.tartan.query.segment.SegmentHeader.Section;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Decodes one shard (verified by {@link FileSource}, read by {@link ShardFileReader}) into the fixed-width serving
 * layout and writes it as a segment file ({@link CacheFileWriter}): to a temporary name first, then renamed over
 * {@code out} atomically, so a reader never sees a half-written segment and two processes building the same one both
 * leave a whole file.
 *
 * <p>The token sections (codes, norms, residuals), whose offsets follow from the manifest's row and token counts,
 * stream to the file as rows are decoded; the heap keeps per row its pid, offsets and id bytes and per token only
 * its distinct cells and IVF entry (≈ 5 bytes a token), not the tokens. A shard's rows and cells must fit an int;
 * that bounds one shard, not an index, and is checked with a named error.
 */
final class SegmentBuilder {
    private static final int BUFFER = 1 << 16;

    private SegmentBuilder() {
    }

    static SegmentHeader build(FileSource.Shard from, DataFile f, ShardSpec spec, ResidualCodec codec, Path out) {
        String name = from.name();
        int rows = IntLimit.check(f.recordCount(), name, "rows in one shard", "write smaller shards");
        int k = spec.numCentroids();
        SegmentHeader planned = new SegmentHeader(f.checksum(), f.sizeBytes(), spec.dim(), spec.nbits(), k, 0, rows,
                f.tokenCount(), 0, 0, null);
        try {
            return CacheFileWriter.write(out, ch -> {
                Decoder d = new Decoder(ch, planned, codec, name);
                ShardFileReader.read(from.in(), name, f, spec, d::add);
                SegmentHeader h = d.finish();
                ch.write(h.encode(), 0);
                return h;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write serving segment " + out + ": " + e.getMessage(), e);
        }
    }

    /** Receives a shard's rows in pid order; writes token sections as they come and the rest at the end. */
    private static final class Decoder {
        private final FileChannel ch;
        private final SegmentHeader planned;
        private final String name;
        private final int k;
        private final int bpt;
        private final TokenNorms norms;
        private final long[] pids;
        private final long[] docOffsets;
        private final long[] cellOffsets;
        private final long[] idOffsets;
        private final long[] ivfCounts;
        private final ByteArrayOutputStream ids = new ByteArrayOutputStream();
        private final SectionWriter codes;
        private final SectionWriter invNorms;
        private final SectionWriter residuals;
        private int[] cells = new int[1024];
        private int[] rowCodes = new int[256];
        private float[] rowNorms = new float[256];
        private int rows;
        private long tokens;
        private int ncells;
        private int maxDoclen;

        Decoder(FileChannel ch, SegmentHeader planned, ResidualCodec codec, String name) {
            this.ch = ch;
            this.planned = planned;
            this.name = name;
            this.k = planned.numCentroids();
            this.bpt = planned.bytesPerToken();
            this.norms = new TokenNorms(codec);
            int n = (int) planned.rows();
            pids = new long[n];
            docOffsets = new long[n + 1];
            cellOffsets = new long[n + 1];
            idOffsets = new long[n + 1];
            ivfCounts = new long[k + 1];
            codes = new SectionWriter(ch, planned.at(Section.CODES));
            invNorms = new SectionWriter(ch, planned.at(Section.INV_NORMS));
            residuals = new SectionWriter(ch, planned.at(Section.RESIDUALS));
        }

        void add(ShardRow row) {
            int n = row.doclen();
            if (rows == pids.length || tokens + n > planned.tokens()) {
                throw new IndexFormatException(name + ": holds more rows or tokens than the manifest says ("
                        + planned.rows() + " rows, " + planned.tokens() + " tokens)");
            }
            if (rows > 0 && row.pid() <= pids[rows - 1]) {
                throw new IndexFormatException(name + ": pid " + row.pid() + " after " + pids[rows - 1]
                        + " (rows must be in ascending pid order)");
            }
            if (rowCodes.length < n) {
                rowCodes = new int[Math.max(n, 2 * rowCodes.length)];
                rowNorms = new float[rowCodes.length];
            }
            row.decodeCodes(k, rowCodes, 0);
            byte[] res = row.residuals();
            norms.inverseNorms(rowCodes, res, n, rowNorms);
            try {
                codes.ints(rowCodes, n);
                invNorms.floats(rowNorms, n);
                residuals.bytes(res, n * bpt);
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": cannot write its serving segment: " + e.getMessage(), e);
            }
            addCells(n);
            byte[] id = row.docId().getBytes(StandardCharsets.UTF_8);
            ids.write(id, 0, id.length);
            pids[rows] = row.pid();
            tokens += n;
            maxDoclen = Math.max(maxDoclen, n);
            rows++;
            docOffsets[rows] = tokens;
            cellOffsets[rows] = ncells;
            idOffsets[rows] = ids.size();
        }

        /** The row's distinct codes, ascending (codes of a row are sorted, FORMAT.md 6.2, so they are its runs). */
        private void addCells(int n) {
            int[] sorted = rowCodes;
            for (int t = 1; t < n; t++) {
                if (rowCodes[t] < rowCodes[t - 1]) {
                    sorted = Arrays.copyOf(rowCodes, n);
                    Arrays.sort(sorted);
                    break;
                }
            }
            if (cells.length - ncells < n) {
                long need = IntLimit.check((long) ncells + n, name, "distinct (document, centroid) pairs in one shard",
                        "write smaller shards");
                cells = Arrays.copyOf(cells, (int) Math.min(IntLimit.MAX_ARRAY, Math.max(need, 2L * cells.length)));
            }
            int c0 = ncells;
            for (int t = 0; t < n; t++) {
                if (ncells == c0 || sorted[t] != cells[ncells - 1]) {
                    cells[ncells++] = sorted[t];
                    ivfCounts[sorted[t] + 1]++;
                }
            }
        }

        /** Writes the remaining sections; returns the final header (counts and section checksums). */
        SegmentHeader finish() throws IOException {
            if (rows != planned.rows() || tokens != planned.tokens()) {
                throw new IndexFormatException(name + ": has " + rows + " rows and " + tokens + " tokens, manifest says "
                        + planned.rows() + " and " + planned.tokens());
            }
            byte[] idBytes = ids.toByteArray();
            SegmentHeader h = new SegmentHeader(planned.sourceChecksum(), planned.sourceSize(), planned.dim(),
                    planned.nbits(), k, maxDoclen, rows, tokens, ncells, idBytes.length, null);
            for (int c = 0; c < k; c++) {
                ivfCounts[c + 1] += ivfCounts[c];
            }
            int[] ivfRows = new int[ncells];
            long[] fill = Arrays.copyOf(ivfCounts, k);
            for (int r = 0; r < rows; r++) {
                for (int i = (int) cellOffsets[r]; i < cellOffsets[r + 1]; i++) {
                    ivfRows[(int) fill[cells[i]]++] = r;
                }
            }
            int[] crcs = new int[Section.values().length];
            crcs[Section.CODES.ordinal()] = codes.finish();
            crcs[Section.INV_NORMS.ordinal()] = invNorms.finish();
            crcs[Section.RESIDUALS.ordinal()] = residuals.finish();
            crcs[Section.PIDS.ordinal()] = write(h, Section.PIDS, w -> w.longs(pids, rows));
            crcs[Section.DOC_OFFSETS.ordinal()] = write(h, Section.DOC_OFFSETS, w -> w.longs(docOffsets, rows + 1));
            crcs[Section.CELL_OFFSETS.ordinal()] = write(h, Section.CELL_OFFSETS, w -> w.longs(cellOffsets, rows + 1));
            crcs[Section.ID_OFFSETS.ordinal()] = write(h, Section.ID_OFFSETS, w -> w.longs(idOffsets, rows + 1));
            crcs[Section.IVF_OFFSETS.ordinal()] = write(h, Section.IVF_OFFSETS, w -> w.longs(ivfCounts, k + 1));
            crcs[Section.CELLS.ordinal()] = write(h, Section.CELLS, w -> w.ints(cells, ncells));
            crcs[Section.IVF_ROWS.ordinal()] = write(h, Section.IVF_ROWS, w -> w.ints(ivfRows, ivfRows.length));
            int[] idSorted = sortedById(idBytes, idOffsets, rows);
            crcs[Section.ID_SORTED.ordinal()] = write(h, Section.ID_SORTED, w -> w.ints(idSorted, rows));
            crcs[Section.ID_BYTES.ordinal()] = write(h, Section.ID_BYTES, w -> w.bytes(idBytes, idBytes.length));
            // zero padding after the residuals, so the file has the length the header implies
            long pad = h.at(Section.CELLS) - (h.at(Section.RESIDUALS) + h.length(Section.RESIDUALS));
            ch.write(ByteBuffer.allocate((int) pad), h.at(Section.CELLS) - pad);
            return h.withSectionCrcs(crcs);
        }

        private int write(SegmentHeader h, Section s, SectionBody body) throws IOException {
            SectionWriter w = new SectionWriter(ch, h.at(s));
            body.write(w);
            return w.finish();
        }
    }

    private interface SectionBody {
        void write(SectionWriter w) throws IOException;
    }

    /** Rows ordered by their doc id's UTF-8 bytes (unsigned), the order {@link ShardSegment#rowOfDocId} searches. */
    private static int[] sortedById(byte[] ids, long[] offsets, int rows) {
        return java.util.stream.IntStream.range(0, rows).boxed().sorted((a, b) -> Arrays.compareUnsigned(
                ids, (int) offsets[a], (int) offsets[a + 1], ids, (int) offsets[b], (int) offsets[b + 1]))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Writes one section sequentially from a file position, little-endian, and checksums what it writes. */
    private static final class SectionWriter {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        private long position;

        SectionWriter(FileChannel ch, long start) {
            this.ch = ch;
            this.position = start;
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
            while (buf.hasRemaining()) {
                position += ch.write(buf, position);
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
