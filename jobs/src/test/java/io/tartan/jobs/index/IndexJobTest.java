package io.tartan.jobs.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.format.IndexLayout;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import io.tartan.jobs.BuildSummary;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.IndexJobException;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IndexJob end to end in Spark local[2]: real input files, the real encoder, real shards, searched back. */
class IndexJobTest {
    private static JavaSparkContext sc;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = LocalSpark.start("index-job-test");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static BuildSummary build(String... args) {
        return IndexJob.run(sc, IndexConfig.parse(args));
    }

    private static final String[] TOPICS = {
        "Photosynthesis converts sunlight, water and carbon dioxide into glucose and oxygen in plant leaves.",
        "The French Revolution began in 1789 with the storming of the Bastille in Paris.",
        "Black holes form when massive stars collapse under their own gravity at the end of their lives.",
        "Sourdough bread rises because wild yeast and lactic acid bacteria ferment the dough.",
        "Antibiotics kill bacteria but have no effect on viral infections such as the common cold.",
        "The Pacific Ocean is the largest and deepest of the Earth's oceans.",
        "Neural networks learn weights by gradient descent on a loss function.",
        "Volcanic eruptions release ash, lava and sulfur dioxide into the atmosphere.",
        "Chess openings such as the Sicilian Defence are studied by grandmasters for years.",
        "Honey bees communicate the location of flowers to their hive with a waggle dance.",
    };

    @Test
    void textCorpusIsIndexedSearchableAndBadRowsAreReported() throws IOException {
        Path corpus = tmp.resolve("mixed.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TOPICS.length; i++) {
            lines.add("{\"id\": \"t" + i + "\", \"title\": \"\", \"text\": \"" + TOPICS[i] + "\"}");
        }
        lines.add("{\"id\": \"broken\", \"text\": ");                       // line 11: bad JSON
        lines.add("{\"text\": \"no id here\"}");                              // line 12: missing id
        lines.add("{\"id\": \"empty\", \"text\": \"   \"}");                  // line 13: empty text
        lines.add("{\"id\": \"t3\", \"text\": \"a second document with id t3\"}"); // line 14: duplicate id
        lines.add("");                                                        // blank lines are skipped
        lines.add("{\"id\": \"meta\", \"text\": \"Metadata travels with the document.\", \"metadata\": {\"lang\": \"en\"}}");
        Files.write(corpus, lines);
        String out = tmp.resolve("text-index").toString();

        // read in ~200-byte splits, pass 1 on several pid ranges a shard: line numbers and vector reuse hold
        BuildSummary s = build("--input", corpus.toString(), "--output", out, "--max_reject_fraction", "0.5",
                "--input_split_mb", "0.0002", "--sample_partition_mb", "0.05");

        assertEquals(15, s.rowsRead());
        assertEquals(11, s.documents());
        assertEquals(4, s.rejected());
        assertEquals(Map.of("bad_json", 1L, "missing_id", 1L, "empty_text", 1L, "duplicate_id", 1L),
                s.rejectedByKind());
        // pass 2 reused every vector pass 1 encoded: no document went through the encoder twice
        assertEquals(11, s.encodedDocs());
        assertEquals(11, s.reusedDocs());
        assertEquals(384, s.dim());
        assertTrue(s.bytesPerToken() > 0);
        // surefire passes --add-modules jdk.incubator.vector; in local mode the tasks run in the driver
        assertTrue(s.kernels().driver().startsWith("vector-api"), s.kernels().toString());
        assertEquals(Map.of("driver", s.kernels().driver()), s.kernels().executors());
        assertTrue(Files.readString(Path.of(out, "metadata", "v1.summary.json")).contains("\"kernels\""));

        List<String> rejected = readDir(Path.of(out, "_rejected"));
        assertEquals(4, rejected.size());
        assertTrue(rejected.stream().anyMatch(l -> l.contains("\"reason\":\"bad_json\"") && l.contains("\"line\":11")
                && l.contains("mixed.jsonl")), rejected.toString());
        assertTrue(rejected.stream().anyMatch(l -> l.contains("\"reason\":\"duplicate_id\"")
                && l.contains("mixed.jsonl:4")), "the duplicate names where the id was first seen: " + rejected);

        Manifest m = new ManifestStore(new Configuration(), new IndexLayout(out)).readLatest();
        assertEquals("e5-small-v2", m.settings().encoderId());
        assertTrue(m.settings().encoderChecksum().startsWith("sha256:"));
        JsonNode summary = new ObjectMapper().readTree(Path.of(out, "metadata", "v1.summary.json").toFile());
        JsonNode memory = summary.get("memory");
        assertTrue(memory.get("peak_driver_heap_bytes").asLong() > 0, memory.toString());
        assertEquals(Runtime.getRuntime().maxMemory(), memory.get("driver_heap_max_bytes").asLong());
        for (String key : List.of("peak_executor_heap_bytes", "largest_task_peak_execution_memory_bytes",
                "largest_task_stage", "largest_task_result_bytes", "memory_spilled_bytes", "disk_spilled_bytes")) {
            assertTrue(memory.has(key), key + " in " + memory);
        }
        // the sorting shuffle that numbers documents uses execution memory in its tasks
        assertTrue(memory.get("largest_task_peak_execution_memory_bytes").asLong() > 0, memory.toString());

        try (TartanIndex index = TartanIndex.open(out)) {
            index.withEncoder(ModelQueryEncoder.open(null));
            assertEquals("t0", index.search("how do plants make sugar from light", 3, SearchParams.defaults())
                    .hits().get(0).docId());
            assertEquals("t9", index.search("bee dance in the hive", 3, SearchParams.defaults())
                    .hits().get(0).docId());
            // the first t3 is the one indexed
            assertEquals("t3", index.search("yeast fermentation of bread dough", 3, SearchParams.defaults())
                    .hits().get(0).docId());
        }
    }

    @Test
    void precomputedVectorsFromNpyOrParquetGiveTheSameIndexEveryRun() throws IOException {
        NpyFixture f = new NpyFixture(300, 32, 12, 7);
        f.docs.get(5)[3] = Float.NaN; // rejected, the same way from either input
        Path npy = tmp.resolve("npy");
        f.write(npy);
        Path parquet = tmp.resolve("vectors.parquet");
        writeParquetVectors(f, parquet, false);

        String a = tmp.resolve("npy-a").toString();
        String b = tmp.resolve("npy-b").toString();
        String c = tmp.resolve("parquet-c").toString();
        BuildSummary sa = build("--input", npy.toString(), "--output", a, "--min_shards", "3");
        // pass 1 on many small pid ranges, joined into the same three shards for pass 2
        build("--input", npy.toString(), "--output", b, "--min_shards", "3", "--sample_partition_mb", "0.01");
        BuildSummary sc3 = build("--input", parquet.toString(), "--output", c, "--format", "parquet-vectors",
                "--min_shards", "3");

        assertEquals(299, sa.documents());
        assertEquals(Map.of("non_finite", 1L), sa.rejectedByKind());
        assertEquals("npy", sa.format());
        assertEquals("parquet-vectors", sc3.format());
        assertEquals(3, sa.shards());
        assertEquals(0, sa.encodedDocs());
        assertEquals(sa.tokens(), f.docs.stream().mapToLong(m -> m.length / 32).sum() - f.docs.get(5).length / 32);

        IndexContent ca = IndexContent.read(a);
        assertEquals(ca, IndexContent.read(b), "same input, settings and seed → same index, however pass 1 is cut");
        assertEquals(ca, IndexContent.read(c), "npy and Parquet vectors → same index");
    }

    @Test
    void precomputedVectorsCarryMetadataForFiltersButNoText() throws IOException {
        NpyFixture f = new NpyFixture(120, 32, 8, 5);
        Path npy = tmp.resolve("npy-meta");
        f.write(npy);
        List<String> meta = new ArrayList<>();
        for (int d = 0; d < f.docs.size(); d++) {
            meta.add(d == 7 ? "{}" : "{\"group\": \"g" + d % 3 + "\", \"n\": " + d + "}");
        }
        Files.write(npy.resolve("metadata.jsonl"), meta);
        Path parquet = tmp.resolve("vectors-meta.parquet");
        writeParquetVectors(f, parquet, true);
        String a = tmp.resolve("npy-meta-index").toString();
        String b = tmp.resolve("parquet-meta-index").toString();
        build("--input", npy.toString(), "--output", a, "--min_shards", "2");
        build("--input", parquet.toString(), "--output", b, "--format", "parquet-vectors", "--min_shards", "2");
        for (String out : List.of(a, b)) {
            Manifest m = new ManifestStore(new Configuration(), new IndexLayout(out)).readLatest();
            assertEquals("metadata", m.settings().textIndex(), "precomputed vectors: the snapshot says it has no text");
            assertEquals(m.shards().size(), m.textIndexes().size());
            try (TartanIndex index = TartanIndex.open(out)) {
                float[] query = f.queryFrom(4, 16, 1);
                for (SearchParams.Mode mode : List.of(SearchParams.Mode.FAST, SearchParams.Mode.PLAID,
                        SearchParams.Mode.EXACT)) {
                    List<SearchHit> hits = index.search(query, 10, SearchParams.defaults().withMode(mode)
                            .withFilter("group = 'g1' AND n < 60")).hits();
                    assertEquals(10, hits.size(), out + " " + mode);
                    for (SearchHit h : hits) {
                        int d = Integer.parseInt(h.docId().substring(4));
                        assertTrue(d % 3 == 1 && d < 60 && d != 7, h.docId());
                    }
                }
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> index.search(
                        "some words", query, 10, SearchParams.defaults().withMode(SearchParams.Mode.BM25)));
                assertTrue(e.getMessage().contains("precomputed vectors"), e.getMessage());
            }
        }
    }

    @Test
    void plaidSearchAgreesWithExactMaxSim() throws IOException {
        NpyFixture f = new NpyFixture(400, 32, 16, 11);
        Path npy = tmp.resolve("npy-recall");
        f.write(npy);
        String out = tmp.resolve("recall-index").toString();
        build("--input", npy.toString(), "--output", out);
        int queries = 40;
        double overlap = 0;
        int exactTop1 = 0;
        try (TartanIndex index = TartanIndex.open(out)) {
            for (int q = 0; q < queries; q++) {
                int doc = q * 9;
                float[] query = f.queryFrom(doc, 16, q);
                Set<String> exact = ids(index.searchExact(query, 10).hits());
                Set<String> plaid = ids(index.search(query, 10, SearchParams.plaid()).hits());
                plaid.retainAll(exact);
                overlap += plaid.size() / 10.0;
                if (index.searchExact(query, 1).hits().get(0).docId().equals("doc-" + doc)) {
                    exactTop1++;
                }
            }
        }
        assertTrue(exactTop1 >= queries * 0.9, "exact MaxSim over the compressed index finds the source document: "
                + exactTop1 + "/" + queries);
        assertTrue(overlap / queries >= 0.8, "PLAID recall@10 vs exact: " + overlap / queries);
    }

    @Test
    void tooManyRejectsFailCleanlyWithoutAManifest() throws IOException {
        Path corpus = tmp.resolve("bad.jsonl");
        Files.write(corpus, List.of("{\"id\": \"a\", \"text\": \"fine\"}", "not json", "{\"id\": \"b\"}",
                "{\"text\": \"no id\"}", "{\"id\": \"c\", \"text\": \"fine too\"}"));
        String out = tmp.resolve("bad-index").toString();
        IndexJobException e = assertThrows(IndexJobException.class,
                () -> build("--input", corpus.toString(), "--output", out));
        assertTrue(e.getMessage().contains("3 of 5 rows rejected") && e.getMessage().contains("max_reject_fraction"),
                e.getMessage());
        assertFalse(new ManifestStore(new Configuration(), new IndexLayout(out)).latestVersion().isPresent());
        assertEquals(3, readDir(Path.of(out, "_rejected")).size());
    }

    @Test
    void anExistingIndexIsNeverOverwritten() throws IOException {
        NpyFixture f = new NpyFixture(40, 16, 4, 3);
        Path npy = tmp.resolve("npy-small");
        f.write(npy);
        String out = tmp.resolve("twice").toString();
        build("--input", npy.toString(), "--output", out);
        byte[] before = Files.readAllBytes(Path.of(out, "metadata", "v1.manifest.json"));
        IndexJobException e = assertThrows(IndexJobException.class,
                () -> build("--input", npy.toString(), "--output", out));
        assertTrue(e.getMessage().contains("already holds an index"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(Path.of(out, "metadata", "v1.manifest.json")));
    }

    private static Set<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::docId).collect(Collectors.toCollection(HashSet::new));
    }

    private static List<String> readDir(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                out.addAll(Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList());
            }
            return out;
        }
    }

    /** With {@code metadata}, a {@code metadata} map column like the npy input's metadata.jsonl (group, n). */
    private static void writeParquetVectors(NpyFixture f, Path file, boolean metadata) throws IOException {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("doc").fields()
                .requiredString("id")
                .name("vectors").type().array().items().array().items().floatType().noDefault();
        if (metadata) {
            fields = fields.name("metadata").type().optional().map().values().stringType();
        }
        Schema schema = fields.endRecord();
        Configuration conf = new Configuration();
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toString()), conf))
                .withSchema(schema).withConf(conf).build()) {
            for (int d = 0; d < f.docs.size(); d++) {
                float[] m = f.docs.get(d);
                List<List<Float>> rows = new ArrayList<>();
                for (int t = 0; t < m.length / f.dim; t++) {
                    List<Float> row = new ArrayList<>();
                    for (int x = 0; x < f.dim; x++) {
                        row.add(m[t * f.dim + x]);
                    }
                    rows.add(row);
                }
                GenericRecord r = new GenericData.Record(schema);
                r.put("id", f.ids.get(d));
                r.put("vectors", rows);
                if (metadata && d != 7) {
                    r.put("metadata", Map.of("group", "g" + d % 3, "n", Integer.toString(d)));
                }
                w.write(r);
            }
        }
    }

    /** What an index holds, independent of file names and snapshot ids. */
    record IndexContent(Map<String, String> settings, byte[] codec, byte[] ivf, Map<Long, String> rows) {
        static IndexContent read(String root) {
            Configuration conf = new Configuration();
            IndexLayout layout = new IndexLayout(root);
            Manifest m = new ManifestStore(conf, layout).readLatest();
            Map<Long, String> rows = new TreeMap<>();
            ShardSpec spec = ShardSpec.of(m.settings());
            for (DataFile shard : m.shards()) {
                ShardReader.read(conf, layout, shard, spec, (ShardRow r) -> rows.put(r.pid(), r.docId() + "|"
                        + r.doclen() + "|" + Arrays.hashCode(r.codes()) + "|" + Arrays.hashCode(r.residuals())));
            }
            return new IndexContent(Map.of("settings", m.settings().toString()),
                    IndexFiles.readAll(conf, layout.resolve(m.codec().path())),
                    IvfFile.write(Ivf.union(m.ivf().stream().map(f -> IvfFile.read(IndexFiles.readAll(conf,
                            layout.resolve(f.path())), f.path())).toArray(Ivf[]::new))), rows);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IndexContent c && settings.equals(c.settings) && Arrays.equals(codec, c.codec)
                    && Arrays.equals(ivf, c.ivf) && rows.equals(c.rows);
        }

        @Override
        public int hashCode() {
            return rows.hashCode();
        }
    }
}
