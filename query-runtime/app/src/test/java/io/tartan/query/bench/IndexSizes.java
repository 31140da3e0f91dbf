package io.tartan.query.bench;

import io.tartan.format.IndexLayout;
import io.tartan.format.io.ByteArrayInputFile;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where an index's bytes go, per stored token: the codec file, the IVF files, each shard column (compressed size as
 * Parquet's footer records it) and the rest of the shard files (footers, page headers: "Parquet overhead"). Prints a
 * Markdown table for docs/bench/query-runtime.md.
 *
 * <p>Usage: {@code IndexSizes <index dir>}
 */
public final class IndexSizes {
    public static void main(String[] args) throws IOException {
        Configuration conf = new Configuration();
        IndexLayout layout = new IndexLayout(args[0]);
        Manifest m = new ManifestStore(conf, layout).readLatest();
        long tokens = m.summary().tokens();
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("codec (centroids + buckets)", m.codec().sizeBytes());
        parts.put("IVF", m.ivf().stream().mapToLong(DataFile::sizeBytes).sum());
        long shardBytes = 0;
        long columnBytes = 0;
        Map<String, Long> columns = new LinkedHashMap<>();
        for (DataFile f : m.shards()) {
            shardBytes += f.sizeBytes();
            byte[] bytes = IndexFiles.readVerified(conf, layout.resolve(f.path()), f.sizeBytes(), f.checksum());
            try (ParquetFileReader r = ParquetFileReader.open(new ByteArrayInputFile(bytes))) {
                for (BlockMetaData b : r.getFooter().getBlocks()) {
                    for (ColumnChunkMetaData c : b.getColumns()) {
                        String name = c.getPath().toDotString().replaceAll("\\.key_value\\..*", "");
                        columns.merge("shards: " + name, c.getTotalSize(), Long::sum);
                        columnBytes += c.getTotalSize();
                    }
                }
            }
        }
        parts.putAll(columns);
        parts.put("shards: Parquet footers and headers", shardBytes - columnBytes);
        long total = parts.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("%d tokens, %d documents, %d shards%n", tokens, m.summary().storedDocuments(), m.shards().size());
        System.out.println("| part | bytes | B/token |");
        System.out.println("|---|---|---|");
        parts.forEach((k, v) -> System.out.printf("| %s | %,d | %.3f |%n", k, v, (double) v / tokens));
        System.out.printf("| **total** | **%,d** | **%.2f** |%n", total, (double) total / tokens);
    }
}
