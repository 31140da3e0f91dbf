package io.tartan.format.shard;

import io.tartan.format.IndexFormatException;
import io.tartan.format.UnsupportedFormatException;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.parquet.PlainReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the rows of a shard whose bytes were already verified against its manifest entry, with parquet-java's
 * column API and no Hadoop on the class path: checks the footer's dim/nbits/num-centroids against the index settings
 * and its codes layout, then streams the rows in pid order, each checked (well-formed codes below {@code k},
 * residuals of the right size) before it is handed on. Rows are read a window of pages at a time
 * ({@link PageWindowReader}), so a read needs a few MB of heap whatever the shard's row-group size.
 * {@link ShardReader} locates and verifies a shard through Hadoop's file systems and reads it with this class.
 */
public final class ShardFileReader {
    private ShardFileReader() {
    }

    /**
     * @param in   the verified shard
     * @param name the shard's path or URI, for error messages
     */
    public static void read(InputFile in, String name, DataFile file, ShardSpec spec, Consumer<ShardRow> sink) {
        read(in, name, file, spec, PageWindowReader.DEFAULT_WINDOW_BYTES, sink);
    }

    /**
     * @param windowBytes compressed bytes of the biggest column read at once ({@link PageWindowReader}): the heap a
     *                    read needs, whatever the shard's row-group size
     */
    public static void read(InputFile in, String name, DataFile file, ShardSpec spec, long windowBytes, Consumer<ShardRow> sink) {
        ParquetFileReader reader;
        try {
            reader = new ParquetFileReader(in, PlainReadOptions.create());
        } catch (IOException | RuntimeException e) {
            throw new IndexFormatException(name + ": not a readable Parquet file: " + e.getMessage(), e);
        }
        long rows = 0;
        try (reader) {
            checkFooter(reader.getFileMetaData().getKeyValueMetaData(), spec, name);
            MessageType schema = reader.getFileMetaData().getSchema();
            MessageColumnIO io = new ColumnIOFactory(reader.getFileMetaData().getCreatedBy()).getColumnIO(schema);
            int[] scratch = new int[256];
            for (int b = 0; b < reader.getRowGroups().size(); b++) {
                for (RowRanges window : PageWindowReader.windows(reader, b, windowBytes)) {
                    PageReadStore pages = window == null ? reader.readRowGroup(b) : reader.readFilteredRowGroup(b, window);
                    if (pages == null) {
                        continue;
                    }
                    RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
                    for (long i = 0, n = pages.getRowCount(); i < n; i++) {
                        ShardRow row = toRow(records.read(), name);
                        if (scratch.length < row.doclen()) {
                            scratch = new int[Math.max(row.doclen(), 2 * scratch.length)];
                        }
                        check(row, spec, scratch, name);
                        sink.accept(row);
                        rows++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof IndexFormatException) {
                throw e;
            }
            // parquet-java reports malformed pages and schemas as unchecked exceptions of its own
            throw new IndexFormatException(name + ": not a readable shard: " + e, e);
        }
        if (rows != file.recordCount()) {
            throw new IndexFormatException(name + ": has " + rows + " rows, manifest says " + file.recordCount());
        }
    }

    private static void checkFooter(Map<String, String> kv, ShardSpec spec, String name) {
        expect(kv, ShardSchema.KV_DIM, spec.dim(), name);
        expect(kv, ShardSchema.KV_NBITS, spec.nbits(), name);
        expect(kv, ShardSchema.KV_NUM_CENTROIDS, spec.numCentroids(), name);
        String codes = kv.get(ShardSchema.KV_CODES);
        if (!ShardSchema.CODES_SORTED_RUNS.equals(codes)) {
            throw new UnsupportedFormatException(name + ": codes layout " + ShardSchema.KV_CODES + "=" + codes
                    + " is not one this reader knows (" + ShardSchema.CODES_SORTED_RUNS + ")");
        }
    }

    private static void check(ShardRow row, ShardSpec spec, int[] scratch, String name) {
        if (row.doclen() <= 0) {
            throw new IndexFormatException(name + ": " + row.who() + " has doclen " + row.doclen());
        }
        if (row.residuals().length != (long) row.doclen() * spec.residualBytesPerToken()) {
            throw new IndexFormatException(name + ": " + row.who() + " has " + row.residuals().length
                    + " residual bytes, doclen × " + spec.residualBytesPerToken() + " expected");
        }
        try {
            row.decodeCodes(spec.numCentroids(), scratch, 0);
        } catch (IndexFormatException e) {
            throw new IndexFormatException(name + ": " + e.getMessage(), e);
        }
    }

    private static void expect(Map<String, String> kv, String key, int want, String name) {
        String got = kv.get(key);
        if (got == null || Integer.parseInt(got) != want) {
            throw new IndexFormatException(name + ": footer " + key + "=" + got + " but the index settings say " + want);
        }
    }

    private static ShardRow toRow(Group r, String name) {
        Map<String, String> metadata = null;
        if (r.getType().containsField(ShardSchema.METADATA) && r.getFieldRepetitionCount(ShardSchema.METADATA) > 0) {
            Group map = r.getGroup(ShardSchema.METADATA, 0);
            metadata = new HashMap<>();
            for (int i = 0, n = map.getFieldRepetitionCount(0); i < n; i++) {
                Group kv = map.getGroup(0, i);
                metadata.put(kv.getString(0, 0), kv.getString(1, 0));
            }
        }
        return new ShardRow(r.getLong(ShardSchema.PID, 0), r.getString(ShardSchema.DOC_ID, 0),
                r.getInteger(ShardSchema.DOCLEN, 0), r.getBinary(ShardSchema.CODES, 0).getBytes(),
                r.getBinary(ShardSchema.RESIDUALS, 0).getBytes(), metadata);
    }
}
