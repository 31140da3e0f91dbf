package io.tartan.format.shard;

import io.tartan.format.FormatVersion;
import io.tartan.format.IndexFormatException;
import io.tartan.format.IndexLayout;
import io.tartan.format.io.ChecksummingOutputFile;
import io.tartan.format.manifest.DataFile;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Writes one shard (a Parquet file, {@link ShardSchema}) and describes it as a manifest {@link DataFile}. Rows must
 * come in strictly ascending pid order; every row is checked against the {@link ShardSpec} before it is written.
 *
 * <p>Columns are ZSTD-compressed by default: residual bytes and the bit-packed codes are close to random and barely
 * shrink, but ids and the dictionary-friendly doclen column do, and ZSTD decodes fast enough not to show in load
 * times. Dictionaries are off for every column whose values are unique per row, and so are min/max statistics of
 * the byte columns (a page's smallest and largest residual blob prune nothing). Pages are written in Parquet's v2
 * layout, which stores the lengths of the byte values delta-coded apart from the values (v1 prefixes every value
 * with 4 bytes: 0.07 bytes a token for residuals and codes each) and delta-codes pids.
 *
 * <p>The writer buffers a row group in memory before it writes it, so the row-group size ({@link #ROW_GROUP_BYTES})
 * bounds a writer's heap; readers do not depend on it ({@link ShardReader} reads a window of pages at a time).
 */
public final class ShardWriter implements Closeable {
    /** Hadoop setting: a shard's row-group size in bytes (default {@link #DEFAULT_ROW_GROUP_BYTES}). */
    public static final String ROW_GROUP_BYTES = "tartan.shard.row-group-bytes";
    /** 32 MiB: a quarter of parquet-mr's 128 MB default, which a writer holds in heap per open shard. */
    public static final long DEFAULT_ROW_GROUP_BYTES = 32L << 20;

    private final String relativePath;
    private final ShardSpec spec;
    private final ChecksummingOutputFile out;
    private final ParquetWriter<GenericRecord> writer;
    private long rows;
    private long tokens;
    private long minPid = -1;
    private long maxPid = -1;
    private DataFile result;
    private int[] codeScratch = new int[256];

    private ShardWriter(String relativePath, ShardSpec spec, ChecksummingOutputFile out, ParquetWriter<GenericRecord> writer) {
        this.relativePath = relativePath;
        this.spec = spec;
        this.out = out;
        this.writer = writer;
    }

    public static ShardWriter create(Configuration conf, IndexLayout layout, String relativePath, ShardSpec spec) {
        return create(conf, layout, relativePath, spec, CompressionCodecName.ZSTD);
    }

    public static ShardWriter create(Configuration conf, IndexLayout layout, String relativePath, ShardSpec spec,
            CompressionCodecName compression) {
        Path path = layout.resolve(relativePath);
        try {
            ChecksummingOutputFile file = new ChecksummingOutputFile(conf, path);
            ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(file)
                    .withSchema(ShardSchema.SCHEMA)
                    .withConf(conf)
                    .withWriteMode(ParquetFileWriter.Mode.CREATE)
                    .withCompressionCodec(compression)
                    .withRowGroupSize(rowGroupBytes(conf, path))
                    .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                    .withDictionaryEncoding(ShardSchema.RESIDUALS, false)
                    .withDictionaryEncoding(ShardSchema.CODES, false)
                    .withStatisticsEnabled(ShardSchema.RESIDUALS, false)
                    .withStatisticsEnabled(ShardSchema.CODES, false)
                    .withDictionaryEncoding(ShardSchema.PID, false)
                    .withDictionaryEncoding(ShardSchema.DOC_ID, false)
                    .withExtraMetaData(Map.of(
                            ShardSchema.KV_FORMAT_VERSION, FormatVersion.MAJOR + "." + FormatVersion.MINOR,
                            ShardSchema.KV_DIM, Integer.toString(spec.dim()),
                            ShardSchema.KV_NBITS, Integer.toString(spec.nbits()),
                            ShardSchema.KV_NUM_CENTROIDS, Integer.toString(spec.numCentroids()),
                            ShardSchema.KV_CODES, ShardSchema.CODES_SORTED_RUNS))
                    .build();
            return new ShardWriter(relativePath, spec, file, w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create shard " + path + ": " + e.getMessage(), e);
        }
    }

    private static long rowGroupBytes(Configuration conf, Path path) {
        long bytes = conf.getLong(ROW_GROUP_BYTES, DEFAULT_ROW_GROUP_BYTES);
        if (bytes < 1 << 20) {
            throw new IllegalArgumentException(ROW_GROUP_BYTES + "=" + bytes + " for shard " + path
                    + ": must be at least 1 MiB (one page)");
        }
        return bytes;
    }

    /** Appends a document; build rows with {@link ShardRow#of}. */
    public void write(ShardRow row) {
        validate(row);
        GenericRecord r = new GenericData.Record(ShardSchema.SCHEMA);
        r.put(ShardSchema.PID, row.pid());
        r.put(ShardSchema.DOC_ID, row.docId());
        r.put(ShardSchema.DOCLEN, row.doclen());
        r.put(ShardSchema.CODES, ByteBuffer.wrap(row.codes()));
        r.put(ShardSchema.RESIDUALS, ByteBuffer.wrap(row.residuals()));
        r.put(ShardSchema.METADATA, row.metadata() == null || row.metadata().isEmpty() ? null : row.metadata());
        try {
            writer.write(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to shard " + relativePath + ": " + e.getMessage(), e);
        }
        if (minPid < 0) {
            minPid = row.pid();
        }
        maxPid = row.pid();
        rows++;
        tokens += row.doclen();
    }

    private void validate(ShardRow row) {
        String who = "document '" + row.docId() + "' (pid " + row.pid() + ")";
        if (row.docId() == null) {
            throw new IllegalArgumentException("pid " + row.pid() + ": doc_id is missing");
        }
        if (row.pid() < 0) {
            throw new IllegalArgumentException(who + ": pid must be non-negative");
        }
        if (rows > 0 && row.pid() <= maxPid) {
            throw new IllegalArgumentException(who + ": pids must be strictly ascending within a shard (previous " + maxPid + ")");
        }
        if (row.doclen() <= 0) {
            throw new IllegalArgumentException(who + ": has no tokens (empty documents are not stored)");
        }
        if (row.codes() == null) {
            throw new IllegalArgumentException(who + ": codes are missing");
        }
        try {
            row.decodeCodes(spec.numCentroids(), scratch(row.doclen()), 0);
        } catch (IndexFormatException e) {
            throw new IllegalArgumentException(e.getMessage() + " (build rows with ShardRow.of)", e);
        }
        int expected = row.doclen() * spec.residualBytesPerToken();
        if (row.residuals() == null || row.residuals().length != expected) {
            throw new IllegalArgumentException(who + ": residuals must be doclen × " + spec.residualBytesPerToken()
                    + " = " + expected + " bytes, got " + (row.residuals() == null ? "none" : row.residuals().length));
        }
    }

    private int[] scratch(int n) {
        if (codeScratch.length < n) {
            codeScratch = new int[Math.max(n, 2 * codeScratch.length)];
        }
        return codeScratch;
    }

    /** Closes the file and returns its manifest entry. */
    public DataFile finish() {
        close();
        return result;
    }

    @Override
    public void close() {
        if (result != null) {
            return;
        }
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close shard " + relativePath + ": " + e.getMessage(), e);
        }
        result = new DataFile(relativePath, DataFile.SHARD, out.bytesWritten(), rows, tokens, out.checksum(), minPid, maxPid);
    }
}
