package io.tartan.query.segment;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The header of a serving segment file and the byte layout it implies (FORMAT.md "Serving cache"). Every section
 * offset follows from the counts, so a reader checks the file length against them before it trusts any offset.
 *
 * <pre>
 * offset size  field
 *   0      4   magic "TSEG"
 *   4      4   u32 layout version (1)
 *   8      8   u64 source shard size in bytes
 *  16     32   source shard checksum, ASCII, zero-padded
 *  48      4   u32 dim          52  4  u32 nbits        56  4  u32 num_centroids   60  4  u32 max doclen
 *  64      8   u64 rows         72  8  u64 tokens       80  8  u64 cells           88  8  u64 doc-id bytes
 *  96      4   u32 CRC32C of every byte after the header
 * 100    152   zero
 * 252      4   u32 CRC32C of header bytes 0 … 251
 * </pre>
 */
public record SegmentHeader(String sourceChecksum, long sourceSize, int dim, int nbits, int numCentroids,
        int maxDoclen, long rows, long tokens, long cells, long idBytes, int bodyCrc) {

    public static final int MAGIC = 0x47455354; // "TSEG" little-endian
    public static final int VERSION = 1;
    public static final int SIZE = 256;
    private static final int CHECKSUM_BYTES = 32;

    public int bytesPerToken() {
        return dim * nbits / 8;
    }

    public long pidsAt() {
        return SIZE;
    }

    public long docOffsetsAt() {
        return pidsAt() + 8 * rows;
    }

    public long cellOffsetsAt() {
        return docOffsetsAt() + 8 * (rows + 1);
    }

    public long idOffsetsAt() {
        return cellOffsetsAt() + 8 * (rows + 1);
    }

    public long ivfOffsetsAt() {
        return idOffsetsAt() + 8 * (rows + 1);
    }

    public long codesAt() {
        return ivfOffsetsAt() + 8L * (numCentroids + 1);
    }

    public long invNormsAt() {
        return codesAt() + 4 * tokens;
    }

    public long cellsAt() {
        return invNormsAt() + 4 * tokens;
    }

    public long ivfRowsAt() {
        return cellsAt() + 4 * cells;
    }

    public long idSortedAt() {
        return ivfRowsAt() + 4 * cells;
    }

    public long residualsAt() {
        return align8(idSortedAt() + 4 * rows);
    }

    public long idBytesAt() {
        return residualsAt() + tokens * bytesPerToken();
    }

    /** Length of a well-formed file with these counts. */
    public long fileLength() {
        return idBytesAt() + idBytes;
    }

    private static long align8(long x) {
        return (x + 7) & ~7L;
    }

    public ByteBuffer encode() {
        byte[] cs = sourceChecksum.getBytes(StandardCharsets.US_ASCII);
        if (cs.length > CHECKSUM_BYTES) {
            throw new IllegalArgumentException("checksum '" + sourceChecksum + "' is longer than " + CHECKSUM_BYTES + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putLong(sourceSize).put(cs);
        b.position(48);
        b.putInt(dim).putInt(nbits).putInt(numCentroids).putInt(maxDoclen);
        b.putLong(rows).putLong(tokens).putLong(cells).putLong(idBytes).putInt(bodyCrc);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, SIZE - 4);
        b.putInt(SIZE - 4, (int) crc.getValue());
        b.position(0);
        return b;
    }

    /**
     * Parses and checks a header: magic, version, its own checksum, and non-negative counts.
     *
     * @throws StaleSegmentException naming {@code what} if any check fails
     */
    public static SegmentHeader decode(MappedData d, String what) {
        if (d.length() < SIZE) {
            throw new StaleSegmentException(what + ": " + d.length() + " bytes, shorter than the " + SIZE + "-byte header");
        }
        byte[] h = new byte[SIZE];
        d.getBytes(0, h, 0, SIZE);
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw new StaleSegmentException(what + ": not a serving segment (bad magic)");
        }
        if (b.getInt(4) != VERSION) {
            throw new StaleSegmentException(what + ": layout version " + b.getInt(4) + ", this reader writes " + VERSION);
        }
        CRC32C crc = new CRC32C();
        crc.update(h, 0, SIZE - 4);
        if ((int) crc.getValue() != b.getInt(SIZE - 4)) {
            throw new StaleSegmentException(what + ": header checksum mismatch");
        }
        int end = 16;
        while (end < 16 + CHECKSUM_BYTES && h[end] != 0) {
            end++;
        }
        String checksum = new String(h, 16, end - 16, StandardCharsets.US_ASCII);
        SegmentHeader s = new SegmentHeader(checksum, b.getLong(8), b.getInt(48), b.getInt(52), b.getInt(56),
                b.getInt(60), b.getLong(64), b.getLong(72), b.getLong(80), b.getLong(88), b.getInt(96));
        if (s.rows < 0 || s.tokens < 0 || s.cells < 0 || s.idBytes < 0 || s.dim <= 0 || s.numCentroids <= 0
                || s.maxDoclen < 0 || (s.nbits != 1 && s.nbits != 2 && s.nbits != 4 && s.nbits != 8)) {
            throw new StaleSegmentException(what + ": header counts out of range " + s);
        }
        return s;
    }
}
