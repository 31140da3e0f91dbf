package io.tartan.jobs.search;

import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.IndexJobException;
import io.tartan.jobs.SearchJob;
import io.tartan.jobs.cluster.TextCorpus;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import org.apache.hadoop.conf.Configuration;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SearchJob end to end in Spark local[2] on local files: a text index built by IndexJob, queries in every format,
 * results compared with the query runtime's own search of every query (ids and scores).
 */
class SearchJobTest {
    private static final int K = 5;
    private static JavaSparkContext sc;
    private static String index;
    private static TartanIndex runtime;
    private static int dim;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = LocalSpark.start("search-job-test");
        Path corpus = TextCorpus.write(tmp.resolve("corpus.jsonl"), 40, 7);
        index = tmp.resolve("index").toString();
        IndexJob.run(sc, IndexConfig.parse(new String[] {"--input", corpus.toString(), "--output", index,
            "--ncentroids", "32", "--min_shards", "2"}));
        runtime = TartanIndex.open(index).withEncoder(ModelQueryEncoder.open(null));
        dim = runtime.snapshot().dim();
    }

    @AfterAll
    static void stop() {
        runtime.close();
        sc.stop();
    }

    private static String json(String id, String text) {
        return "{\"_id\": \"" + id + "\", \"text\": \"" + text + "\"}";
    }

    private static String vectorsJson(String id, float[] v) {
        StringBuilder b = new StringBuilder("{\"qid\": \"" + id + "\", \"vectors\": [");
        for (int t = 0; t < v.length / dim; t++) {
            b.append(t == 0 ? "[" : ", [");
            for (int d = 0; d < dim; d++) {
                b.append(d == 0 ? "" : ",").append(v[t * dim + d]);
            }
            b.append(']');
        }
        return b.append("]}").toString();
    }

    @Test
    void textQueriesGiveTheRuntimesResultsAndBadQueriesAreRejected() throws IOException {
        List<String> lines = new ArrayList<>();
        Map<String, float[]> expected = new LinkedHashMap<>();
        for (int i = 0; i < TextCorpus.QUERIES.size(); i++) {
            lines.add(json("q" + i, TextCorpus.QUERIES.get(i)));
            expected.put("q" + i, runtime.encode(TextCorpus.QUERIES.get(i)));
        }
        float[] lava = runtime.encode("lava and ash from an eruption");
        lines.add(vectorsJson("v-lava", lava));                              // line 9: a vector query
        expected.put("v-lava", lava);
        lines.add("{\"_id\": \"broken\", \"text\": ");                      // line 10: bad JSON
        lines.add(json("empty", "   "));                                   // line 11: empty text
        lines.add(json("q2", "a second query with id q2"));                // line 12: duplicate id
        lines.add("{\"text\": \"no id\"}");                                 // line 13: missing id
        lines.add("");                                                      // line 14: blank, skipped
        lines.add("{\"qid\": \"narrow\", \"vectors\": [[0.5, 0.5]]}");     // line 15: wrong width
        float[] nan = lava.clone();
        nan[3] = Float.NaN;
        lines.add(vectorsJson("nan", nan).replace("NaN", "1e999"));         // line 16: non-finite (overflows)
        Path queries = Files.write(tmp.resolve("queries.jsonl"), lines);
        String out = tmp.resolve("out-text").toString();

        SearchSummary s = SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", out,
                "-k", Integer.toString(K), "--queries-per-task", "3", "--max-reject-fraction", "0.5").run(sc);

        assertEquals(15, s.rowsRead());
        assertEquals(9, s.queries());
        assertEquals(6, s.rejected());
        assertEquals(Map.of("bad_json", 1L, "empty_text", 1L, "duplicate_id", 1L, "missing_id", 1L, "wrong_dim", 1L,
                "non_finite", 1L), s.rejectedByKind());
        assertEquals(8, s.encodedQueries(), "text queries encoded in the executors; the vector query is not");
        assertEquals(9 * K, s.results());
        assertEquals(1, s.snapshotLoads(), "one executor JVM (local mode) loads the snapshot once for all its tasks");
        assertEquals(3, s.tasks());
        assertEquals(1, s.version());
        assertTrue(s.p50QueryMillis() > 0 && s.queriesPerSecond() > 0);
        for (String stage : List.of("read", "encode", "search", "write", "total")) {
            assertTrue(s.seconds().containsKey(stage), stage + " in " + s.seconds());
        }

        SearchResults r = SearchResults.read(new Configuration(), out);
        assertEquals(new ArrayList<>(expected.keySet()), r.queryOrder(), "results in query order");
        assertEquals(Set.of(1L), r.versions());
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            assertEquals(SearchResults.lines(runtime.search(e.getValue(), K, SearchParams.defaults())),
                    r.byQuery().get(e.getKey()), "query " + e.getKey());
        }
        assertEquals(SearchResults.lines(runtime.search(TextCorpus.QUERIES.get(2), K, SearchParams.defaults())),
                r.byQuery().get("q2"), "the first q2 is kept, encoded as the runtime encodes text");
        assertEquals(9, r.marker().get("queries").asInt());
        assertFalse(Files.exists(Path.of(out, SearchOutput.STARTED)));

        List<String> rejected = partLines(Path.of(out, "_rejected"));
        assertEquals(6, rejected.size());
        assertTrue(rejected.stream().anyMatch(l -> l.contains("\"reason\":\"bad_json\"") && l.contains("\"line\":10")
                && l.contains("queries.jsonl")), rejected.toString());
        assertTrue(rejected.stream().anyMatch(l -> l.contains("\"reason\":\"duplicate_id\"") && l.contains("\"line\":12")
                && l.contains("queries.jsonl:3")), "names where q2 was first seen: " + rejected);
        assertTrue(rejected.stream().anyMatch(l -> l.contains("\"reason\":\"wrong_dim\"") && l.contains("\"line\":15")
                && l.contains("expected dim " + dim)), rejected.toString());
        assertTrue(rejected.stream().anyMatch(l -> l.contains("\"reason\":\"non_finite\"")
                && l.contains("\"id\":\"nan\"")), rejected.toString());
    }

    @Test
    void vectorQueriesInEveryFormatAndEveryModeGiveTheRuntimesResults() throws IOException {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < TextCorpus.QUERIES.size(); i++) {
            ids.add(Integer.toString(i));
            vectors.add(runtime.encode(TextCorpus.QUERIES.get(i)));
        }
        int tokens = vectors.get(0).length / dim;
        Path npy = QueryFiles.npy(tmp.resolve("queries.npy"), vectors, tokens, dim);
        Path parquet = QueryFiles.parquetVectors(tmp.resolve("queries.parquet"), ids, vectors, dim);

        for (String mode : List.of("fast", "plaid", "exact")) {
            String out = tmp.resolve("out-npy-" + mode).toString();
            SearchSummary s = SearchJob.parse("--index", index, "--queries", npy.toString(), "--output", out,
                    "-k", Integer.toString(K), "--mode", mode).run(sc);
            assertEquals("npy", s.format());
            assertEquals(0, s.encodedQueries());
            SearchResults r = SearchResults.read(new Configuration(), out);
            assertEquals(ids, r.queryOrder());
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(SearchResults.lines(expected(mode, vectors.get(i))), r.byQuery().get(ids.get(i)),
                        mode + " query " + i);
            }
        }

        String out = tmp.resolve("out-parquet").toString();
        SearchSummary s = SearchJob.parse("--index", index, "--queries", parquet.toString(), "--output", out,
                "-k", Integer.toString(K)).run(sc);
        assertEquals("parquet-vectors", s.format());
        SearchResults r = SearchResults.read(new Configuration(), out);
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(SearchResults.lines(runtime.search(vectors.get(i), K, SearchParams.defaults())),
                    r.byQuery().get(ids.get(i)));
        }

        Path idsFile = Files.write(tmp.resolve("ids.txt"), ids.stream().map(i -> "query-" + i).toList());
        String named = tmp.resolve("out-npy-ids").toString();
        SearchJob.parse("--index", index, "--queries", npy.toString(), "--query-ids", idsFile.toString(),
                "--output", named, "-k", Integer.toString(K)).run(sc);
        assertEquals(ids.stream().map(i -> "query-" + i).toList(),
                SearchResults.read(new Configuration(), named).queryOrder());
    }

    @Test
    void parquetTextQueriesAreEncodedInTheExecutors() throws IOException {
        List<String> ids = List.of("a", "b", "c");
        Path parquet = QueryFiles.parquetText(tmp.resolve("text-queries.parquet"), ids, TextCorpus.QUERIES.subList(0, 3));
        String out = tmp.resolve("out-parquet-text").toString();
        SearchSummary s = SearchJob.parse("--index", index, "--queries", parquet.toString(), "--output", out,
                "-k", Integer.toString(K), "--encoder-batch-size", "2").run(sc);
        assertEquals("parquet", s.format());
        assertEquals(3, s.encodedQueries());
        SearchResults r = SearchResults.read(new Configuration(), out);
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(SearchResults.lines(runtime.search(TextCorpus.QUERIES.get(i), K, SearchParams.defaults())),
                    r.byQuery().get(ids.get(i)));
        }
    }

    @Test
    void thePartitionedPlanMergesToTheSinglePlansResults() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TextCorpus.QUERIES.size(); i++) {
            lines.add(json("q" + i, TextCorpus.QUERIES.get(i)));
        }
        Path queries = Files.write(tmp.resolve("partitioned.jsonl"), lines);
        String single = tmp.resolve("out-single").toString();
        String merged = tmp.resolve("out-merged").toString();
        SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", single, "-k", "8").run(sc);

        // every "partition" here is the whole snapshot: the merge must keep each document once and give exactly the
        // single plan's top-k
        SearchSummary s = SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", merged,
                "-k", "8", "--index-partitions", "3", "--queries-per-task", "4")
                .withOpener((uri, options, partition, partitions) -> TartanIndex.open(uri, options)).run(sc);
        assertEquals(3, s.indexPartitions());
        assertEquals(6, s.tasks(), "3 index partitions × 2 blocks of queries");
        assertEquals(3, s.snapshotLoads(), "each partition loaded once in the one executor JVM");
        SearchResults a = SearchResults.read(new Configuration(), single);
        SearchResults b = SearchResults.read(new Configuration(), merged);
        assertEquals(a.queryOrder(), b.queryOrder());
        assertEquals(a.byQuery(), b.byQuery());

        // real partitions of the snapshot (disjoint documents, one codec): exhaustive MaxSim merged over the
        // partitions equals the single plan exactly (FAST and PLAID: the next test)
        String exactSingle = tmp.resolve("out-exact-single").toString();
        SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", exactSingle, "-k", "8",
                "--mode", "exact").run(sc);
        String real = tmp.resolve("out-runtime-partitions").toString();
        SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", real, "-k", "8",
                "--mode", "exact", "--index-partitions", "2").run(sc);
        SearchResults c = SearchResults.read(new Configuration(), real);
        assertEquals(SearchResults.read(new Configuration(), exactSingle).byQuery(), c.byQuery(),
                "the partitioned plan equals the single plan");
    }

    @Test
    void fastAndPlaidOverRealPartitionsEqualTheSinglePlanForEveryQuery() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TextCorpus.QUERIES.size(); i++) {
            lines.add(json("q" + i, TextCorpus.QUERIES.get(i)));
        }
        for (int t = 0; t < TextCorpus.TOPICS.length; t++) {
            for (int j = 0; j < TextCorpus.TOPICS[t].length; j++) {
                lines.add(json("s" + t + "-" + j, TextCorpus.TOPICS[t][j]));
            }
        }
        Path queries = Files.write(tmp.resolve("approximate.jsonl"), lines);
        // ndocs 8 (nexact = k = 8): the single node scores exactly only its 8 best candidates by centroid-only score,
        // so a partition's own top-8 often holds a document the single node never scores; the partitions' top-k lists
        // then merge to a different result, their candidate pools to the same
        // and FAST with per-token ngroups (estimated stage-3 scores, the kept documents' rows scored exactly)
        for (String settings : List.of("fast 8 0", "fast 256 0", "plaid 8 0", "plaid 256 0", "fast 8 2")) {
            String[] s = settings.split(" ");
            String mode = s[0];
            String ndocs = s[1];
            String ngroups = s[2];
            String name = "out-" + mode + "-" + ndocs + "-g" + ngroups;
            String single = tmp.resolve(name + "-single").toString();
            SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", single, "-k", "8",
                    "--mode", mode, "--ndocs", ndocs, "--ngroups", ngroups).run(sc);
            SearchResults a = SearchResults.read(new Configuration(), single);
            assertEquals(lines.size(), a.queryOrder().size());
            if (!ngroups.equals("0")) {
                // the setting reaches the executors: the runtime's own search with it
                SearchParams p = SearchParams.defaults().withNdocs(Integer.parseInt(ndocs))
                        .withNgroups(Integer.parseInt(ngroups));
                for (int i = 0; i < TextCorpus.QUERIES.size(); i++) {
                    assertEquals(SearchResults.lines(runtime.search(TextCorpus.QUERIES.get(i), 8, p)),
                            a.byQuery().get("q" + i), settings + ", query q" + i);
                }
            }
            for (String n : List.of("2", "3")) {
                String merged = tmp.resolve(name + "-" + n).toString();
                SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", merged, "-k", "8",
                        "--mode", mode, "--ndocs", ndocs, "--ngroups", ngroups, "--index-partitions", n,
                        "--queries-per-task", "10").run(sc);
                SearchResults b = SearchResults.read(new Configuration(), merged);
                assertEquals(a.queryOrder(), b.queryOrder());
                for (String q : a.queryOrder()) {
                    assertEquals(a.byQuery().get(q), b.byQuery().get(q), settings + ", " + n + " partitions, query " + q);
                }
            }
        }
    }

    @Test
    void theOutputIsCommittedOnceAndNeverWrittenOverSomethingElse() throws IOException {
        Path queries = Files.write(tmp.resolve("one.jsonl"), List.of(json("q0", TextCorpus.QUERIES.get(0))));
        String out = tmp.resolve("out-once").toString();
        SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", out).run(sc);
        byte[] marker = Files.readAllBytes(Path.of(out, SearchOutput.SUCCESS));
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () ->
                SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", out).run(sc));
        assertTrue(again.getMessage().contains("already holds committed search results"), again.getMessage());
        assertEquals(Arrays.toString(marker), Arrays.toString(Files.readAllBytes(Path.of(out, SearchOutput.SUCCESS))));

        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () ->
                SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", index).run(sc));
        assertTrue(foreign.getMessage().contains("is not the output of a search batch"), foreign.getMessage());
        assertTrue(Files.exists(Path.of(index, "metadata", "v1.manifest.json")), "the index is untouched");

        String never = tmp.resolve("out-never").toString();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> SearchJob.parse(
                "--index", index, "--queries", tmp.resolve("no-such.jsonl").toString(), "--output", never).run(sc));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        Path narrow = QueryFiles.npy(tmp.resolve("narrow.npy"), List.of(new float[] {1, 0, 0, 1}), 2, 2);
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class, () -> SearchJob.parse(
                "--index", index, "--queries", narrow.toString(), "--output", never).run(sc));
        assertTrue(wide.getMessage().contains("the index has dim " + dim), wide.getMessage());
        assertFalse(Files.exists(Path.of(never)), "nothing written for queries that cannot be read");

        // a run that failed after it started leaves _STARTED and no _SUCCESS: the next run clears it
        Path failed = tmp.resolve("out-failed");
        Files.createDirectories(failed);
        Files.write(failed.resolve(SearchOutput.STARTED), new byte[0]);
        Files.write(failed.resolve("part-00000-stale.parquet"), new byte[] {1, 2, 3});
        SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", failed.toString()).run(sc);
        assertFalse(Files.exists(failed.resolve("part-00000-stale.parquet")));
        assertEquals(List.of("q0"), SearchResults.read(new Configuration(), failed.toString()).queryOrder());
    }

    @Test
    void tooManyBadQueriesWriteTheRejectsAndNoResults() throws IOException {
        Path queries = Files.write(tmp.resolve("bad.jsonl"), List.of(json("q0", TextCorpus.QUERIES.get(0)),
                json("empty", ""), "not json"));
        String out = tmp.resolve("out-bad").toString();
        IndexJobException e = assertThrows(IndexJobException.class, () ->
                SearchJob.parse("--index", index, "--queries", queries.toString(), "--output", out).run(sc));
        assertTrue(e.getMessage().contains("2 of 3 query rows rejected"), e.getMessage());
        assertEquals(2, partLines(Path.of(out, "_rejected")).size());
        assertFalse(Files.exists(Path.of(out, SearchOutput.SUCCESS)));
    }

    private static io.tartan.query.SearchResult expected(String mode, float[] q) {
        return switch (mode) {
            case "exact" -> runtime.searchExact(q, K);
            case "plaid" -> runtime.search(q, K, SearchParams.plaid());
            default -> runtime.search(q, K, SearchParams.defaults());
        };
    }

    private static List<String> partLines(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                out.addAll(Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList());
            }
            return out;
        }
    }
}
