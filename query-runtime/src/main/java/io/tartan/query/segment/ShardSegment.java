package io.tartan.query.segment;

import io.tartan.query.segment.SegmentHeader.Section;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The serving layout of one shard, mapped: every row the shard stores (deleted or not: deletions belong to a
 * snapshot, the segment to the immutable shard, so one segment serves every snapshot that lists the shard). Rows are
 * local, {@code 0 … rows-1} in pid order. Nothing here is copied to the heap; the accessors read the mapping.
 */
public final class ShardSegment {
    private final String shardPath;
    private final SegmentHeader h;
    private final MappedData d;
    private final int rows;
    private final long pids;
    private final long docOffsets;
    private final long cellOffsets;
    private final long idOffsets;
    private final long ivfOffsets;
    private final long codes;
    private final long invNorms;
    private final long cells;
    private final long ivfRows;
    private final long idSorted;
    private final long residuals;
    private final long idBytes;
    private final int bpt;

    ShardSegment(String shardPath, SegmentHeader h, MappedData d) {
        this.shardPath = shardPath;
        this.h = h;
        this.d = d;
        this.rows = (int) h.rows();
        this.pids = h.at(Section.PIDS);
        this.docOffsets = h.at(Section.DOC_OFFSETS);
        this.cellOffsets = h.at(Section.CELL_OFFSETS);
        this.idOffsets = h.at(Section.ID_OFFSETS);
        this.ivfOffsets = h.at(Section.IVF_OFFSETS);
        this.codes = h.at(Section.CODES);
        this.invNorms = h.at(Section.INV_NORMS);
        this.cells = h.at(Section.CELLS);
        this.ivfRows = h.at(Section.IVF_ROWS);
        this.idSorted = h.at(Section.ID_SORTED);
        this.residuals = h.at(Section.RESIDUALS);
        this.idBytes = h.at(Section.ID_BYTES);
        this.bpt = h.bytesPerToken();
    }

    /** Path of the shard (relative to the index root) this segment was built from. */
    public String shardPath() {
        return shardPath;
    }

    public SegmentHeader header() {
        return h;
    }

    public MappedData data() {
        return d;
    }

    public int rows() {
        return rows;
    }

    public long tokens() {
        return h.tokens();
    }

    public int maxDoclen() {
        return h.maxDoclen();
    }

    public long pid(int row) {
        return d.getLong(pids + 8L * row);
    }

    /** First local row whose pid is ≥ {@code pid} ({@link #rows()} if none). */
    public int lowerBound(long pid) {
        int lo = 0;
        int hi = rows;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pid(mid) < pid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Local row of {@code pid}, or -1. */
    public int rowOfPid(long pid) {
        int r = lowerBound(pid);
        return r < rows && pid(r) == pid ? r : -1;
    }

    /** Offset of row {@code row}'s first token in this segment (row {@code rows} gives the token count). */
    public long tokenStart(int row) {
        return d.getLong(docOffsets + 8L * row);
    }

    public int doclen(int row) {
        return (int) (tokenStart(row + 1) - tokenStart(row));
    }

    /**
     * Copies row {@code row}'s codes, packed residuals and inverse norms to the start of the given arrays (sized for
     * {@link #maxDoclen()} tokens); returns its doclen.
     */
    public int tokens(int row, int[] outCodes, byte[] outResiduals, float[] outInvNorms) {
        long t0 = tokenStart(row);
        int n = (int) (tokenStart(row + 1) - t0);
        d.getInts(codes + 4 * t0, outCodes, 0, n);
        d.getFloats(invNorms + 4 * t0, outInvNorms, 0, n);
        d.getBytes(residuals + t0 * bpt, outResiduals, 0, n * bpt);
        return n;
    }

    /** Copies row {@code row}'s distinct centroid codes (ascending) to the start of {@code out}; returns how many. */
    public int cells(int row, int[] out) {
        long c0 = cellStart(row);
        int n = (int) (cellStart(row + 1) - c0);
        cells(c0, n, out, 0);
        return n;
    }

    /**
     * Index of row {@code row}'s first distinct centroid code in the cells section (row {@link #rows()} gives the
     * section's length): row {@code r}'s cells are {@code cellStart(r) … cellStart(r + 1) - 1}.
     */
    public long cellStart(int row) {
        return d.getLong(cellOffsets + 8L * row);
    }

    /** Copies the {@code n} cells from index {@code c0} (see {@link #cellStart}) to {@code out[off ..]}. */
    public void cells(long c0, int n, int[] out, int off) {
        d.getInts(cells + 4 * c0, out, off, n);
    }

    /** Start of centroid {@code c}'s IVF list (entries are local rows, ascending); see {@link #ivfRows}. */
    public long ivfStart(int c) {
        return d.getLong(ivfOffsets + 8L * c);
    }

    /** Copies {@code len} IVF entries from entry {@code from} to {@code out[0 ..]}. */
    public void ivfRows(long from, int[] out, int len) {
        d.getInts(ivfRows + 4 * from, out, 0, len);
    }

    public String docId(int row) {
        long at = idOffsets + 8L * row;
        long a = d.getLong(at);
        int n = (int) (d.getLong(at + 8) - a);
        byte[] b = new byte[n];
        d.getBytes(idBytes + a, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Local row of the document with this id, or -1: a binary search of the sorted id dictionary. */
    public int rowOfDocId(String docId) {
        byte[] key = docId.getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[64];
        int lo = 0;
        int hi = rows - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int row = d.getInt(idSorted + 4L * mid);
            long at = idOffsets + 8L * row;
            long a = d.getLong(at);
            int n = (int) (d.getLong(at + 8) - a);
            if (buf.length < n) {
                buf = new byte[n];
            }
            d.getBytes(idBytes + a, buf, 0, n);
            int cmp = Arrays.compareUnsigned(buf, 0, n, key, 0, key.length);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return row;
            }
        }
        return -1;
    }
}
