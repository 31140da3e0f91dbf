package io.tartan.format.shard;

import io.tartan.format.IndexLayout;
import io.tartan.format.UnsupportedFormatException;
import io.tartan.format.manifest.DataFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shards written through Hadoop's codecs read back through {@link ShardFileReader}'s pure-Java page decoders (the
 * query runtime has no Hadoop), for every codec it claims; others are refused naming the codec.
 */
class ShardCodecsTest {
    private static final ShardSpec SPEC = new ShardSpec(16, 2, 2);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"ZSTD", "SNAPPY", "GZIP", "UNCOMPRESSED"})
    void readsWithoutHadoopCodecs(CompressionCodecName codec) {
        List<ShardRow> rows = ShardRoundTripTest.rows(300, new Random(9));
        DataFile f = write(codec, rows);
        List<ShardRow> back = new ArrayList<>();
        ShardFileReader.read(new LocalInputFile(dir.resolve(f.path())), f.path(), f, SPEC, back::add);
        assertEquals(rows.size(), back.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).docId(), back.get(i).docId());
            assertArrayEquals(rows.get(i).codes(), back.get(i).codes());
            assertArrayEquals(rows.get(i).residuals(), back.get(i).residuals());
            assertEquals(rows.get(i).metadata(), back.get(i).metadata());
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"LZ4_RAW"})
    void otherCodecsAreRefusedByName(CompressionCodecName codec) {
        DataFile f = write(codec, ShardRoundTripTest.rows(20, new Random(2)));
        Exception e = assertThrows(UnsupportedFormatException.class, () -> ShardFileReader.read(
                new LocalInputFile(dir.resolve(f.path())), f.path(), f, SPEC, r -> { }));
        assertTrue(e.getMessage().contains(codec.name()), e.getMessage());
    }

    private DataFile write(CompressionCodecName codec, List<ShardRow> rows) {
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        try (ShardWriter w = ShardWriter.create(new Configuration(), layout, "data/" + codec + ".parquet", SPEC, codec)) {
            rows.forEach(w::write);
            return w.finish();
        }
    }
}
