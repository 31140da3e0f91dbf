package io.tartan.format.shard;

import io.tartan.format.IndexFormatException;
import io.tartan.format.IndexLayout;
import io.tartan.format.UnsupportedFormatException;
import io.tartan.format.io.ByteArrayInputFile;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.DataFile;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a shard listed in a manifest: verifies its size and checksum first (naming the file if they differ), checks
 * the footer's dim/nbits/num-centroids against the index settings and its codes layout, then streams its rows in pid
 * order, each checked (well-formed codes below {@code k}, residuals of the right size) before it is handed on. Rows
 * are read a window of pages at a time ({@link PageWindowReader}), so reading needs a few MB of heap whatever the
 * shard's row-group size.
 */
public final class ShardReader {
    private ShardReader() {
    }

    public static void read(Configuration conf, IndexLayout layout, DataFile file, ShardSpec spec, Consumer<ShardRow> sink) {
        org.apache.hadoop.fs.Path path = layout.resolve(file.path());
        String name = path.toString();
        InputFile in;
        String scheme = path.toUri().getScheme();
        if (scheme == null || "file".equals(scheme)) {
            // a local file (an index on disk, or the verified cache copy of a remote one): verify it streaming, then
            // let Parquet read it from disk, so the heap never holds the whole file
            IndexFiles.verify(conf, path, file.sizeBytes(), file.checksum());
            in = new LocalInputFile(java.nio.file.Path.of(path.toUri().getPath()));
        } else {
            // remote: one read, verified and parsed from memory
            in = new ByteArrayInputFile(IndexFiles.readVerified(conf, path, file.sizeBytes(), file.checksum()));
        }
        checkFooter(in, spec, name);
        long[] rows = {0};
        int[][] scratch = {new int[256]};
        try {
            PageWindowReader.read(conf, in, r -> {
                ShardRow row = toRow(r, name);
                if (scratch[0].length < row.doclen()) {
                    scratch[0] = new int[Math.max(row.doclen(), 2 * scratch[0].length)];
                }
                check(row, spec, scratch[0], name);
                sink.accept(row);
                rows[0]++;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + name + ": " + e.getMessage(), e);
        }
        if (rows[0] != file.recordCount()) {
            throw new IndexFormatException(name + ": has " + rows[0] + " rows, manifest says " + file.recordCount());
        }
    }

    private static void checkFooter(InputFile in, ShardSpec spec, String name) {
        try (ParquetFileReader r = ParquetFileReader.open(in)) {
            Map<String, String> kv = r.getFileMetaData().getKeyValueMetaData();
            expect(kv, ShardSchema.KV_DIM, spec.dim(), name);
            expect(kv, ShardSchema.KV_NBITS, spec.nbits(), name);
            expect(kv, ShardSchema.KV_NUM_CENTROIDS, spec.numCentroids(), name);
            String codes = kv.get(ShardSchema.KV_CODES);
            if (!ShardSchema.CODES_SORTED_RUNS.equals(codes)) {
                throw new UnsupportedFormatException(name + ": codes layout " + ShardSchema.KV_CODES + "=" + codes
                        + " is not one this reader knows (" + ShardSchema.CODES_SORTED_RUNS + ")");
            }
        } catch (IOException e) {
            throw new IndexFormatException(name + ": not a readable Parquet file: " + e.getMessage(), e);
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

    private static ShardRow toRow(GenericRecord r, String name) {
        Object meta = r.get(ShardSchema.METADATA);
        Map<String, String> metadata = null;
        if (meta instanceof Map<?, ?> m) {
            metadata = new HashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                metadata.put(e.getKey().toString(), String.valueOf(e.getValue()));
            }
        }
        int doclen = (Integer) r.get(ShardSchema.DOCLEN);
        Object docId = r.get(ShardSchema.DOC_ID);
        return new ShardRow((Long) r.get(ShardSchema.PID), docId instanceof Utf8 u ? u.toString() : String.valueOf(docId),
                doclen, bytes(r.get(ShardSchema.CODES)), bytes(r.get(ShardSchema.RESIDUALS)), metadata);
    }

    private static byte[] bytes(Object o) {
        ByteBuffer b = (ByteBuffer) o;
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
