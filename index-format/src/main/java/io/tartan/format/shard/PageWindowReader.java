package io.tartan.format.shard;

import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Cuts a row group into windows of pages, so a reader holds about {@link #DEFAULT_WINDOW_BYTES} of compressed pages,
 * never a whole row group. parquet-java's record readers load a row group's column chunks whole, and a shard's row
 * group can be as big as the writer's row-group size (128 MB in shards written before {@link ShardWriter#ROW_GROUP_BYTES}
 * existed), more than a small serving heap has.
 *
 * <p>A window is a run of consecutive pages of the row group's biggest column (the residuals), found from its offset
 * index; {@link ParquetFileReader#readFilteredRowGroup(int, RowRanges)} then reads, of every column, only the pages
 * holding those rows. Pages of the small columns straddling a window's edge are read by both windows, a small cost
 * next to the residuals. A row group no bigger than a window, or one without offset indexes (parquet-java writes them
 * since 1.11), is read whole.
 */
final class PageWindowReader {
    /** Hadoop setting: compressed bytes of the biggest column read at once (default 4 MiB; at least one page). */
    static final String WINDOW_BYTES = "tartan.shard.read.window-bytes";
    static final long DEFAULT_WINDOW_BYTES = 4L << 20;

    private PageWindowReader() {
    }

    /** The row ranges to read row group {@code block} in; a single null for the whole row group. */
    static List<RowRanges> windows(ParquetFileReader r, int block, long window) throws IOException {
        BlockMetaData meta = r.getRowGroups().get(block);
        List<RowRanges> whole = new ArrayList<>();
        whole.add(null);
        if (meta.getCompressedSize() <= window) {
            return whole;
        }
        ColumnChunkMetaData biggest = null;
        OffsetIndex pages = null;
        for (ColumnChunkMetaData c : meta.getColumns()) {
            OffsetIndex index = r.readOffsetIndex(c);
            if (index == null) {
                return whole;
            }
            if (biggest == null || c.getTotalSize() > biggest.getTotalSize()) {
                biggest = c;
                pages = index;
            }
        }
        List<RowRanges> out = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int p = 0; p < pages.getPageCount(); p++) {
            if (p > from && bytes + pages.getCompressedPageSize(p) > window) {
                out.add(RowRanges.create(meta.getRowCount(), IntStream.range(from, p).iterator(), pages));
                from = p;
                bytes = 0;
            }
            bytes += pages.getCompressedPageSize(p);
        }
        out.add(RowRanges.create(meta.getRowCount(), IntStream.range(from, pages.getPageCount()).iterator(), pages));
        return out;
    }
}
