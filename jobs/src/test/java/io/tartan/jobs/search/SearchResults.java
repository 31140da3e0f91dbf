package io.tartan.jobs.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A committed search-batch output read back the way a user would: the files {@code _SUCCESS} lists, row by row.
 *
 * @param byQuery  "doc_id score" per rank, per query id, in file order
 * @param versions the version column's distinct values
 */
public record SearchResults(JsonNode marker, Map<String, List<String>> byQuery, List<String> queryOrder,
        java.util.Set<Long> versions) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static SearchResults read(Configuration conf, String output) {
        try {
            Path root = new Path(output);
            byte[] m;
            try (var in = root.getFileSystem(conf).open(new Path(root, SearchOutput.SUCCESS))) {
                m = in.readAllBytes();
            }
            JsonNode marker = JSON.readTree(m);
            Map<String, List<String>> byQuery = new LinkedHashMap<>();
            java.util.Set<Long> versions = new java.util.TreeSet<>();
            for (JsonNode f : marker.get("files")) {
                try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
                        HadoopInputFile.fromPath(new Path(root, f.asText()), conf)).withConf(conf).build()) {
                    GenericRecord rec;
                    while ((rec = r.read()) != null) {
                        List<String> hits = byQuery.computeIfAbsent(rec.get("query_id").toString(),
                                q -> new ArrayList<>());
                        assertEquals(hits.size() + 1, (int) rec.get("rank"), "ranks count from 1 in order");
                        hits.add(rec.get("doc_id") + " " + rec.get("score"));
                        versions.add((Long) rec.get("version"));
                    }
                }
            }
            return new SearchResults(marker, byQuery, new ArrayList<>(byQuery.keySet()), versions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same "doc_id score" lines for a runtime result. */
    public static List<String> lines(SearchResult r) {
        List<String> out = new ArrayList<>();
        for (SearchHit h : r.hits()) {
            out.add(h.docId() + " " + h.score());
        }
        return out;
    }
}
