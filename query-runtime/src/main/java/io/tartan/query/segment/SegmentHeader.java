package io.tartan.query.segment;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 *  96     48   u32[12] CRC32C of each section, in section order
 * 144    108   zero
 * 252      4   u32 CRC32C of header bytes 0 … 251
 * </pre>
 */
public record SegmentHeader(String sourceChecksum, long sourceSize, int dim, int nbits, int numCentroids,
        int maxDoclen, long rows, long tokens, long cells, long idBytes, int[] sectionCrcs) {

    public static final int MAGIC = 0x47455354; // "TSEG" little-endian
    /**
     * Layout version. Bump it with any change to the layout: the cheap checks at open read the ends of the offset
     * tables only, so a file of another layout with the same counts would otherwise pass them.
     */
    public static final int VERSION = 1;
    public static final int SIZE = 256;
    private static final int CHECKSUM_BYTES = 32;

    /** The sections of a segment, in file order. */
    public enum Section { PIDS, DOC_OFFSETS, CELL_OFFSETS, ID_OFFSETS, IVF_OFFSETS, CODES, INV_NORMS, RESIDUALS,
        CELLS, IVF_ROWS, ID_SORTED, ID_BYTES }

    public SegmentHeader {
        if (sectionCrcs == null) {
            sectionCrcs = new int[Section.values().length];
        }
    }

    /** The same header with these section checksums. */
    public SegmentHeader withSectionCrcs(int[] crcs) {
        return new SegmentHeader(sourceChecksum, sourceSize, dim, nbits, numCentroids, maxDoclen, rows, tokens, cells,
                idBytes, crcs.clone());
    }

    public int bytesPerToken() {
        return dim * nbits / 8;
    }

    /** Byte length of a section. */
    public long length(Section s) {
        return switch (s) {
            case PIDS -> 8 * rows;
            case DOC_OFFSETS, CELL_OFFSETS, ID_OFFSETS -> 8 * (rows + 1);
            case IVF_OFFSETS -> 8L * (numCentroids + 1);
            case CODES, INV_NORMS -> 4 * tokens;
            case RESIDUALS -> tokens * bytesPerToken();
            case CELLS, IVF_ROWS -> 4 * cells;
            case ID_SORTED -> 4 * rows;
            case ID_BYTES -> idBytes;
        };
    }

    /** File offset of a section: sections follow each other, each 4-byte section starting at a multiple of 4. */
    public long at(Section s) {
        long at = SIZE;
        for (Section p : Section.values()) {
            if (p == s) {
                return at;
            }
            at += length(p);
            if (p == Section.RESIDUALS) {
                at = (at + 3) & ~3L;
            }
        }
        throw new AssertionError(s);
    }

    /** Length of a well-formed file with these counts. */
    public long fileLength() {
        return at(Section.ID_BYTES) + idBytes;
    }

    public int crc(Section s) {
        return sectionCrcs[s.ordinal()];
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
        b.putLong(rows).putLong(tokens).putLong(cells).putLong(idBytes);
        for (int crc : sectionCrcs) {
            b.putInt(crc);
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, SIZE - 4);
        b.putInt(SIZE - 4, (int) crc.getValue());
        b.position(0);
        return b;
    }

    /**
     * Parses and checks a header: magic, version, its own checksum, and counts in range.
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
        int[] crcs = new int[Section.values().length];
        for (int i = 0; i < crcs.length; i++) {
            crcs[i] = b.getInt(96 + 4 * i);
        }
        SegmentHeader s = new SegmentHeader(checksum, b.getLong(8), b.getInt(48), b.getInt(52), b.getInt(56),
                b.getInt(60), b.getLong(64), b.getLong(72), b.getLong(80), b.getLong(88), crcs);
        long maxCount = Long.MAX_VALUE / 64;
        if (s.rows < 0 || s.tokens < 0 || s.cells < 0 || s.idBytes < 0 || s.rows > maxCount || s.tokens > maxCount
                || s.cells > maxCount || s.idBytes > maxCount || s.dim <= 0 || s.numCentroids <= 0 || s.maxDoclen < 0
                || (s.nbits != 1 && s.nbits != 2 && s.nbits != 4)) {
            throw new StaleSegmentException(what + ": header counts out of range " + s);
        }
        return s;
    }

    @Override
    public String toString() {
        return "SegmentHeader[source " + sourceChecksum + " " + sourceSize + " B, dim " + dim + ", nbits " + nbits
                + ", k " + numCentroids + ", rows " + rows + ", tokens " + tokens + ", cells " + cells + ", id bytes "
                + idBytes + ", section crcs " + Arrays.toString(sectionCrcs) + "]";
    }
}
