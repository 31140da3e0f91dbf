package io.tartan.format.shard;

import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Reads a shard's records a window of pages at a time, so the heap holds about {@link #WINDOW_BYTES} of compressed
 * pages, never a whole row group. parquet-mr's record readers load a row group's column chunks whole, and a shard's
 * row group can be as big as the writer's row-group size (128 MB by default, more than a small serving heap has,
 * and shards written before {@link ShardWriter#ROW_GROUP_BYTES} existed have row groups that big).
 *
 * <p>A window is a run of consecutive pages of the row group's biggest column (the residuals), found from its offset
 * index; {@link ParquetFileReader#readFilteredRowGroup(int, RowRanges)} then reads, of every column, only the pages
 * holding those rows. Pages of the small columns straddling a window's edge are read by both windows, a small cost
 * next to the residuals. A row group no bigger than a window, or one without offset indexes (parquet-mr writes them
 * since 1.11), is read whole.
 */
final class PageWindowReader {
    /** Hadoop setting: compressed bytes of the biggest column read at once (default 4 MiB; at least one page). */
    static final String WINDOW_BYTES = "tartan.shard.read.window-bytes";
    static final long DEFAULT_WINDOW_BYTES = 4L << 20;

    private PageWindowReader() {
    }

    static void read(Configuration conf, InputFile in, Consumer<GenericRecord> sink) throws IOException {
        long window = Math.max(1, conf.getLong(WINDOW_BYTES, DEFAULT_WINDOW_BYTES));
        try (ParquetFileReader r = ParquetFileReader.open(in, HadoopReadOptions.builder(conf).build())) {
            FileMetaData meta = r.getFooter().getFileMetaData();
            MessageType schema = meta.getSchema();
            AvroReadSupport<GenericRecord> support = new AvroReadSupport<>();
            @SuppressWarnings("deprecation")
            ReadSupport.ReadContext ctx = support.init(conf, meta.getKeyValueMetaData(), schema);
            RecordMaterializer<GenericRecord> materializer =
                    support.prepareForRead(conf, meta.getKeyValueMetaData(), schema, ctx);
            MessageType requested = ctx.getRequestedSchema();
            r.setRequestedSchema(requested);
            MessageColumnIO io = new ColumnIOFactory(meta.getCreatedBy()).getColumnIO(requested, schema, true);
            List<BlockMetaData> blocks = r.getRowGroups();
            for (int b = 0; b < blocks.size(); b++) {
                for (RowRanges w : windows(r, blocks.get(b), window)) {
                    PageReadStore pages = w == null ? r.readRowGroup(b) : r.readFilteredRowGroup(b, w);
                    if (pages == null) {
                        continue;
                    }
                    RecordReader<GenericRecord> records = io.getRecordReader(pages, materializer, FilterCompat.NOOP);
                    for (long i = 0, n = pages.getRowCount(); i < n; i++) {
                        sink.accept(records.read());
                    }
                }
            }
        }
    }

    /** The row ranges to read the row group in; a single null for the whole row group. */
    private static List<RowRanges> windows(ParquetFileReader r, BlockMetaData block, long window) throws IOException {
        List<RowRanges> whole = new ArrayList<>();
        whole.add(null);
        if (block.getCompressedSize() <= window) {
            return whole;
        }
        ColumnChunkMetaData biggest = null;
        for (ColumnChunkMetaData c : block.getColumns()) {
            if (r.readOffsetIndex(c) == null) {
                return whole;
            }
            if (biggest == null || c.getTotalSize() > biggest.getTotalSize()) {
                biggest = c;
            }
        }
        OffsetIndex pages = r.readOffsetIndex(biggest);
        List<RowRanges> out = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int p = 0; p < pages.getPageCount(); p++) {
            if (p > from && bytes + pages.getCompressedPageSize(p) > window) {
                out.add(RowRanges.create(block.getRowCount(), IntStream.range(from, p).iterator(), pages));
                from = p;
                bytes = 0;
            }
            bytes += pages.getCompressedPageSize(p);
        }
        out.add(RowRanges.create(block.getRowCount(), IntStream.range(from, pages.getPageCount()).iterator(), pages));
        return out;
    }
}
