package io.tartan.jobs.input;

import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.maintenance.LocalSpark;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One input file read by many tasks gives exactly the rows, and the reject line numbers, of one task reading it:
 * JSONL cut into byte ranges down to a few bytes (lines straddling every boundary, multi-byte characters, CRLF,
 * blank lines, no final newline), Parquet cut at row groups.
 */
class InputSplitsTest {
    private static JavaSparkContext sc;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = LocalSpark.start("input-splits-test");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static CorpusReader reader(Path input, String format, double splitBytes) {
        return CorpusReaders.open(IndexConfig.fromMap(Map.of("input", input.toString(), "output", tmp.resolve("x")
                .toString(), "format", format, "input_split_mb", Double.toString(splitBytes / (1024 * 1024)))),
                new Configuration());
    }

    /** What a row is, as text: ordinal, line, id, text and reject. */
    private static List<String> rows(JavaRDD<SourceDoc> rdd) {
        return rdd.map(d -> d.ordinal() + "|" + d.source() + ":" + d.line() + "|" + d.id() + "|" + d.text() + "|"
                + (d.reject() == null ? "" : d.reject().kind())).collect();
    }

    @Test
    void jsonlByteRangesGiveTheRowsAndLineNumbersOfOneReader() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("jsonl"));
        StringBuilder a = new StringBuilder();
        List<Integer> badLines = new ArrayList<>();
        int line = 0;
        for (int i = 0; i < 40; i++) {
            line++;
            if (i % 7 == 3) {
                a.append("{not json ").append(i).append("\n");
                badLines.add(line);
            } else if (i % 11 == 5) {
                a.append("\n");
            } else if (i % 5 == 0) {
                a.append("{\"id\": \"a").append(i).append("\", \"text\": \"crème brûlée 漢字 🍞 ").append(i)
                        .append("\"}\r\n");
            } else {
                a.append("{\"id\": \"a").append(i).append("\", \"text\": \"").append("x".repeat(i % 13))
                        .append("\"}\n");
            }
        }
        a.append("{\"id\": \"last\", \"text\": \"no newline at the end\"}");
        Files.writeString(dir.resolve("a.jsonl"), a, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("b.jsonl"), "\n\n{\"id\": \"b1\", \"text\": \"after blanks\"}\n{oops\n",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("c.jsonl"), "", StandardCharsets.UTF_8);
        long size = Files.size(dir.resolve("a.jsonl"));

        List<String> whole = rows(reader(dir, "jsonl", 1 << 20).read(sc));
        assertEquals(40 - 3 + 1 + 2, whole.size(), "non-blank lines of a (three blank) and b");
        for (int bad : badLines) {
            assertTrue(whole.stream().anyMatch(r -> r.contains("a.jsonl:" + bad + "|") && r.endsWith("|bad_json")),
                    "line " + bad + " rejected as bad JSON: " + whole);
        }
        assertTrue(whole.stream().anyMatch(r -> r.contains("b.jsonl:4|") && r.endsWith("|bad_json")), whole.toString());
        assertTrue(whole.stream().anyMatch(r -> r.contains("b.jsonl:3|b1|after blanks|")), whole.toString());
        assertTrue(whole.stream().anyMatch(r -> r.contains("a.jsonl:41|last|")), whole.toString());

        for (int bytes : new int[] {1, 2, 3, 5, 8, 13, 37, 100, (int) size - 1}) {
            CorpusReader r = reader(dir, "jsonl", bytes);
            JavaRDD<SourceDoc> rdd = r.read(sc);
            assertTrue(rdd.getNumPartitions() > 3, bytes + "-byte splits make many tasks");
            assertEquals(whole, rows(rdd), "rows read in " + bytes + "-byte splits");
        }
    }

    @Test
    void parquetRowGroupsGiveTheRowsAndRowNumbersOfOneReader() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("parquet"));
        Schema schema = SchemaBuilder.record("doc").fields()
                .optionalString("id")
                .optionalString("text")
                .endRecord();
        Configuration conf = new Configuration();
        Path file = dir.resolve("docs.parquet");
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toString()), conf))
                .withSchema(schema).withConf(conf).withRowGroupSize(2048L).withPageSize(512).build()) {
            for (int i = 0; i < 600; i++) {
                GenericRecord r = new GenericData.Record(schema);
                r.put("id", i % 97 == 13 ? null : "p" + i);
                r.put("text", "row " + i + " " + Integer.toHexString(i * 31).repeat(4));
                w.write(r);
            }
        }
        List<String> whole = rows(reader(dir, "parquet", 1L << 30).read(sc));
        assertEquals(600, whole.size());
        for (int i = 13; i < 600; i += 97) {
            int row = i + 1;
            assertTrue(whole.stream().anyMatch(r -> r.contains("docs.parquet:" + row + "|")
                    && r.endsWith("|missing_id")), "row " + row + " rejected for its missing id");
        }
        JavaRDD<SourceDoc> split = reader(dir, "parquet", 1).read(sc);
        assertTrue(split.getNumPartitions() > 3, "one task per row group: " + split.getNumPartitions());
        assertEquals(whole, rows(split));
        JavaRDD<SourceDoc> pairs = reader(dir, "parquet", 10_000).read(sc);
        assertTrue(pairs.getNumPartitions() > 1 && pairs.getNumPartitions() < split.getNumPartitions(),
                "runs of row groups: " + pairs.getNumPartitions() + " of " + split.getNumPartitions());
        assertEquals(whole, rows(pairs));
    }
}
