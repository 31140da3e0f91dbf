package io.tartan.jobs.update;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.jobs.CompactJob;
import io.tartan.jobs.UpdateJob;
import io.tartan.jobs.cluster.TextCorpus;
import io.tartan.format.testing.SampleIndex;
import io.tartan.jobs.maintenance.ExpireCommand;
import io.tartan.jobs.maintenance.IndexFixture;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.jobs.maintenance.MaintenanceCli;
import io.tartan.jobs.maintenance.ServingReader;
import io.tartan.format.snapshot.DeletedPids;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.QueryEncoder;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UpdateJob end to end in Spark local[2] on a text index built by IndexJob with the bundled encoder. */
@Tag("slow")
class UpdateJobTest {
    static JavaSparkContext sc;
    static TextIndexFixture fixture;
    static ModelQueryEncoder model;
    /** The one model, lent to each reader: a reader closes its encoder, the model is closed once at the end. */
    static final QueryEncoder encoder = new QueryEncoder() {
        @Override
        public float[] encodeQuery(String text) {
            return model.encodeQuery(text);
        }

        @Override
        public int dim() {
            return model.dim();
        }

        @Override
        public String encoderId() {
            return model.encoderId();
        }
    };
    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    final Configuration conf = new Configuration();

    @BeforeAll
    static void start() throws IOException {
        sc = LocalSpark.start("UpdateJobTest");
        fixture = TextIndexFixture.build(sc, shared);
        model = ModelQueryEncoder.open(null);
    }

    @AfterAll
    static void stop() {
        sc.stop();
        model.close();
    }

    Path write(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    /** Every live document ranked by exact MaxSim: nothing a search could return is missing from it. */
    static List<SearchHit> everything(TartanIndex idx, String query) {
        return idx.searchExact(idx.encode(query), 1000).hits();
    }

    /** After every commit: no document id is live under two pids. */
    static Map<String, Long> liveOnce(String index) {
        return LiveDocIds.assertEachLiveAtMostOnce(new Configuration(), index);
    }

    static String top(TartanIndex idx, String query) {
        return idx.search(query, 3, SearchParams.defaults()).hits().get(0).docId();
    }

    @Test
    void addReplaceAndDeleteShowInSearchResults() throws IOException {
        String index = fixture.copyTo(dir);
        Manifest v1 = new ManifestStore(conf, new IndexLayout(index)).readLatest();
        String plantsQuery = TextCorpus.QUERIES.get(0);
        String breadQuery = TextCorpus.QUERIES.get(3);
        try (TartanIndex reader = TartanIndex.open(index)) {
            reader.withEncoder(encoder);
            String plants = top(reader, plantsQuery);
            String bread = top(reader, breadQuery);
            Path upserts = write("upserts.jsonl",
                    TextIndexFixture.json("new-1", "Zebrafish regenerate heart muscle after an injury."),
                    TextIndexFixture.json(bread, "Saturn's rings are made of ice and rock orbiting the planet."));
            Path deletes = write("deletes.txt", "# retired documents", plants, "", "never-indexed");

            UpdateSummary s = UpdateJob.parse("--index", index, "--upsert", upserts.toString(), "--delete",
                    deletes.toString()).run(sc);
            liveOnce(index);

            assertEquals("committed", s.outcome());
            assertEquals(Manifest.OP_UPDATE, s.operation());
            assertEquals(2, s.upserted());
            assertEquals(1, s.replaced());
            assertEquals(1, s.deleted());
            assertEquals(1, s.unknownDeletes());
            assertEquals(TextIndexFixture.DOCS + 1 - 1, s.liveDocuments());
            assertNotNull(s.drift());
            assertTrue(s.drift().sampledTokens() > 0);
            assertEquals(3, s.drift().changedDocuments(), "new-1, the replaced and the deleted document");
            assertTrue(Files.exists(Path.of(index, "metadata", "v2.summary.json")));
            Manifest v2 = new ManifestStore(conf, new IndexLayout(index)).readLatest();
            assertEquals(v1.codec(), v2.codec(), "the codec is frozen");
            assertEquals(v1.summary().nextPid() + 2, v2.summary().nextPid());
            assertEquals(v1.ivf().size() + v2.shards().size() - v1.shards().size(), v2.ivf().size(),
                    "the base IVF files plus one delta for each new shard");

            assertTrue(reader.refresh());
            assertEquals("new-1", top(reader, "zebrafish heart regeneration"));
            assertEquals(bread, top(reader, "rings of Saturn made of ice"));
            for (SearchHit h : everything(reader, breadQuery)) {
                if (h.docId().equals(bread)) {
                    assertTrue(h.pid() >= v1.summary().nextPid(), "only the new " + bread + " is returned, pid "
                            + h.pid());
                }
            }
            assertFalse(everything(reader, plantsQuery).stream().anyMatch(h -> h.docId().equals(plants)),
                    "a deleted document is never returned");
        }
    }

    /** Every mode, filtered and not, top hit for a query whose words only {@code expected} has. */
    static void assertEveryModeFinds(TartanIndex idx, String query, String expected, String filter) {
        for (SearchParams.Mode m : SearchParams.Mode.values()) {
            SearchResult r = idx.search(query, 3, SearchParams.defaults().withMode(m).withFilter(filter));
            assertEquals(expected, r.hits().get(0).docId(), m.label() + " filter " + filter + ": " + r.hits());
        }
    }

    static void assertTextIndexesMatchShards(Manifest m) {
        assertEquals("bm25", m.settings().textIndex());
        assertEquals(m.shards().size(), m.textIndexes().size());
        assertEquals(m.shards().size(), m.textIndexByShard().size(), "one text index per shard, named after it");
    }

    @Test
    void bm25AndFiltersFollowUpdatesAndCompaction() throws IOException {
        String index = fixture.copyTo(dir);
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        assertTextIndexesMatchShards(store.readLatest());
        try (TartanIndex reader = TartanIndex.open(index)) {
            reader.withEncoder(encoder);
            // IndexJob's text indexes: every mode works end to end on the built corpus
            String top = reader.search(TextCorpus.QUERIES.get(2), 1, SearchParams.defaults()
                    .withMode(SearchParams.Mode.BM25)).hits().get(0).docId();
            assertTrue(reader.document(reader.search(TextCorpus.QUERIES.get(2), 1, SearchParams.defaults()
                    .withMode(SearchParams.Mode.BM25)).hits().get(0)).text().toLowerCase().contains("black hole"), top);

            Path upserts = write("upserts.jsonl",
                    "{\"id\": \"new-1\", \"text\": \"Zebrafish regenerate heart muscle after an injury.\", "
                            + "\"metadata\": {\"lang\": \"en\", \"year\": 2024}}",
                    "{\"id\": \"new-2\", \"text\": \"Zebrafish stripes come from pigment cells.\", "
                            + "\"metadata\": {\"lang\": \"de\", \"year\": 2019}}");
            Path deletes = write("deletes.txt", "d3");
            UpdateJob.parse("--index", index, "--upsert", upserts.toString(), "--delete", deletes.toString()).run(sc);
            assertTextIndexesMatchShards(store.readLatest());
            assertTrue(reader.refresh());
            assertEveryModeFinds(reader, "zebrafish heart muscle regeneration", "new-1", null);
            assertEveryModeFinds(reader, "zebrafish heart muscle regeneration", "new-2", "lang = 'de'");
            assertEveryModeFinds(reader, "zebrafish heart muscle regeneration", "new-2", "year < 2020");

            CompactJob.parse("--index", index).run(sc);
            Manifest compacted = store.readLatest();
            assertEquals(Manifest.OP_COMPACT, compacted.operation());
            assertTextIndexesMatchShards(compacted);
            assertTrue(reader.refresh());
            assertEveryModeFinds(reader, "zebrafish heart muscle regeneration", "new-1", null);
            assertEveryModeFinds(reader, "zebrafish heart muscle regeneration", "new-2", "year IN (2019)");
            for (SearchParams.Mode m : SearchParams.Mode.values()) {
                for (String q : TextCorpus.QUERIES) {
                    assertFalse(reader.search(q, 50, SearchParams.defaults().withMode(m)).hits().stream()
                            .anyMatch(h -> h.docId().equals("d3")), m.label() + ": deleted d3 came back");
                }
            }
            // the BM25 side holds exactly the live documents: a word of every document finds all of them
            assertEquals(TextIndexFixture.DOCS - 1 + 2, reader.snapshot().numDocs());
        }
    }

    @Test
    void aDeletedIdNeverComesBackBeforeOrAfterCompactionAndARepeatedBatchIsSkipped() throws IOException {
        String index = fixture.copyTo(dir);
        Path deletes = write("deletes.txt", "d5", "d11");
        UpdateSummary first = UpdateJob.parse("--index", index, "--delete", deletes.toString()).run(sc);
        liveOnce(index);
        assertEquals(Manifest.OP_DELETE, first.operation());
        assertEquals(2, first.deleted());

        UpdateSummary again = UpdateJob.parse("--index", index, "--delete", deletes.toString()).run(sc);
        assertEquals("already-applied", again.outcome(), "re-running a scheduled batch changes nothing");
        assertEquals(first.version(), again.version());

        Path upserts = write("more.jsonl", TextIndexFixture.json("new-2", "Lighthouses guide ships along rocky coasts."));
        UpdateJob.parse("--index", index, "--upsert", upserts.toString()).run(sc);
        liveOnce(index);
        Set<String> deleted = Set.of("d5", "d11");
        String[] queries = TextCorpus.QUERIES.toArray(String[]::new);
        try (TartanIndex reader = TartanIndex.open(index)) {
            reader.withEncoder(encoder);
            assertNoneOf(reader, queries, deleted);
            assertEquals("new-2", top(reader, "lighthouse on the coast"));
            CompactJob.parse("--index", index).run(sc);
            liveOnce(index);
            assertTrue(reader.refresh());
            assertEquals(Manifest.OP_COMPACT, reader.snapshot().manifest().operation());
            assertNoneOf(reader, queries, deleted);
        }
    }

    static void assertNoneOf(TartanIndex reader, String[] queries, Set<String> ids) {
        for (String q : queries) {
            for (SearchHit h : everything(reader, q)) {
                assertFalse(ids.contains(h.docId()), h.docId() + " came back for '" + q + "'");
            }
            for (SearchHit h : reader.search(q, 10, SearchParams.plaid()).hits()) {
                assertFalse(ids.contains(h.docId()), h.docId() + " came back for '" + q + "'");
            }
        }
    }

    @Test
    void aCrashBetweenShardsAndCommitLeavesThePreviousSnapshotServedAndARerunApplies() throws IOException {
        String index = fixture.copyTo(dir);
        Path upserts = write("upserts.jsonl", TextIndexFixture.json("new-1", "Zebrafish regenerate heart muscle."));
        Path deletes = write("deletes.txt", "d0");
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        Manifest v1 = store.readLatest();
        Set<String> before = files(index);
        try (TartanIndex reader = TartanIndex.open(index)) {
            reader.withEncoder(encoder);
            List<SearchHit> expected = reader.search("how do plants make sugar from light", 5, SearchParams.defaults()).hits();

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> UpdateJob.parse("--index", index,
                    "--upsert", upserts.toString(), "--delete", deletes.toString(), "--fail-before-commit").run(sc));
            assertTrue(e.getMessage().contains("no snapshot committed"), e.getMessage());
            assertEquals(v1, store.readLatest());
            assertFalse(reader.refresh());
            assertEquals(expected, reader.search("how do plants make sugar from light", 5, SearchParams.defaults()).hits());
            Set<String> orphans = new TreeSet<>(files(index));
            orphans.removeAll(before);
            assertTrue(orphans.stream().anyMatch(p -> p.startsWith("data/")), orphans.toString());
            assertTrue(orphans.stream().anyMatch(p -> p.startsWith("ivf/")), orphans.toString());

            UpdateSummary rerun = UpdateJob.parse("--index", index, "--upsert", upserts.toString(), "--delete",
                    deletes.toString()).run(sc);
            assertEquals("committed", rerun.outcome(), "the failed batch was never applied, so a re-run applies it");
            liveOnce(index);
            assertTrue(reader.refresh());
            assertEquals("new-1", top(reader, "zebrafish heart regeneration"));

            assertEquals(0, MaintenanceCli.execute(new ExpireCommand(conf), "--index", index, "--keep", "10",
                    "--orphan-grace", "0s"));
            Set<String> left = files(index);
            for (String o : orphans) {
                assertFalse(left.contains(o), "orphan " + o + " collected");
            }
            try (TartanIndex fresh = TartanIndex.open(index)) {
                assertEquals(store.readLatest().version(), fresh.snapshot().version());
            }
        }
    }

    @Test
    void aKilledUpdateLeavesThePreviousSnapshotIntactAndServed() throws Exception {
        String index = fixture.copyTo(dir);
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        Manifest v1 = store.readLatest();
        Set<String> before = files(index);
        // pass 2 opens its shard files first, then encodes (the drift sample is one document, so nearly every
        // document is encoded there): the kill lands while pass 2 is encoding, seconds before any commit
        Path corpus = TextCorpus.write(dir.resolve("many.jsonl"), 160, 99);
        List<String> renamed = Files.readAllLines(corpus).stream().map(l -> l.replace("\"id\": \"d", "\"id\": \"n"))
                .toList();
        Path upserts = Files.write(dir.resolve("upserts.jsonl"), renamed);
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
        cmd.addAll(List.of("-Dspark.master=local[2]", "-Dspark.driver.host=127.0.0.1",
                "-Dspark.driver.bindAddress=127.0.0.1", "-Dspark.ui.enabled=false", "-cp",
                System.getProperty("java.class.path"), UpdateJob.class.getName(), "--index", index, "--upsert",
                upserts.toString(), "--min-shards", "2", "--drift-sample-docs", "1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process child = pb.start();
        try (TartanIndex reader = TartanIndex.open(index)) {
            reader.withEncoder(encoder);
            List<SearchHit> expected = reader.search(TextCorpus.QUERIES.get(0), 10, SearchParams.defaults()).hits();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
            while (files(index).stream().noneMatch(f -> f.startsWith("data/") && !before.contains(f))) {
                assertTrue(child.isAlive(), "the update ended before writing a shard: "
                        + Files.readString(dir.resolve("child.log")));
                assertTrue(System.nanoTime() < deadline, "no shard within 3 minutes");
                Thread.sleep(20);
            }
            child.destroyForcibly().waitFor();
            assertEquals(List.of(1L), store.versions(), "killed in pass 2: nothing committed");
            assertEquals(v1, store.readLatest());
            assertFalse(reader.refresh());
            assertEquals(expected, reader.search(TextCorpus.QUERIES.get(0), 10, SearchParams.defaults()).hits());
            try (TartanIndex fresh = TartanIndex.open(index)) {
                assertEquals(1, fresh.snapshot().version(), "a new reader loads the intact previous snapshot");
            }
            assertEquals(0, MaintenanceCli.execute(new ExpireCommand(conf), "--index", index, "--keep", "1",
                    "--orphan-grace", "0s"));
            assertEquals(before, files(index), "expire collected what the killed run wrote");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void ofTwoConcurrentUpdatesExactlyOneCommitsAndADeleteRetriesOnTop() throws IOException {
        String index = fixture.copyTo(dir);
        Path a = write("a.jsonl", TextIndexFixture.json("from-a", "Zebrafish regenerate heart muscle."));
        Path b = write("b.jsonl", TextIndexFixture.json("from-b", "Lighthouses guide ships along rocky coasts."));
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));

        RaceCases.appendLosesToAppend(sc, conf, index, a, b, "from-b");
        try (TartanIndex reader = TartanIndex.open(index)) {
            reader.withEncoder(encoder);
            assertEquals("from-a", top(reader, "zebrafish heart regeneration"));
            assertFalse(everything(reader, "lighthouse on the coast").stream().anyMatch(h -> h.docId().equals("from-b")));
        }

        // a delete allocates no pid: it is re-applied on top of the concurrent commit
        Path del = write("del.txt", "d1");
        UpdateSummary d = RaceCases.deleteLosesToAppend(sc, conf, index, del, b);
        assertEquals(4, d.version());
        Manifest v4 = store.readLatest();
        Manifest v2 = store.read(2);
        assertEquals(v2.ivf().size() + v4.shards().size() - v2.shards().size(), v4.ivf().size(),
                "both appends are kept, with the IVF delta of each new shard");
        try (TartanIndex reader = TartanIndex.open(index)) {
            reader.withEncoder(encoder);
            assertEquals("from-b", top(reader, "lighthouse on the coast"));
            for (String q : TextCorpus.QUERIES) {
                assertFalse(everything(reader, q).stream().anyMatch(h -> h.docId().equals("d1")));
            }
        }
    }

    @Test
    void aDeleteThatLosesTheRaceToAnUpsertOfTheSameIdDeletesTheNewVersion() throws IOException {
        RaceCases.deleteLosesToUpsertOfTheSameId(sc, conf, fixture.copyTo(dir), dir, "d1");
    }

    @Test
    void anUpdateThatLosesTheRaceToARollbackReplacesTheRestoredVersion() throws IOException {
        RaceCases.updateLosesToRollback(sc, conf, fixture.copyTo(dir), dir, "d2");
    }

    @Test
    void aBatchThatLosesTheRaceToItselfIsReportedAppliedAndNotAppliedTwice() throws IOException {
        String index = fixture.copyTo(dir);
        Path del = write("del.txt", "d3", "d4");
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        UpdateSummary s = UpdateJob.parse("--index", index, "--delete", del.toString(), "--batch-id", "nightly-7")
                .beforeCommit(() -> UpdateJob.parse("--index", index, "--delete", del.toString(), "--batch-id",
                        "nightly-7").run(sc))
                .run(sc);
        assertEquals("already-applied", s.outcome(), s.toJson());
        assertEquals(2, s.version());
        assertEquals(List.of(1L, 2L), store.versions(), "the batch is committed once");
        Map<String, Long> live = liveOnce(index);
        assertFalse(live.containsKey("d3") || live.containsKey("d4"));
    }

    @Test
    void changingMoreThanTheThresholdRecommendsARebuild() throws IOException {
        String index = fixture.copyTo(dir);
        Path upserts = write("upserts.jsonl", TextIndexFixture.json("new-1", "Zebrafish regenerate heart muscle."),
                TextIndexFixture.json("new-2", "Saturn's rings are made of ice."),
                TextIndexFixture.json("d7", "Glaciers carve valleys into mountains."));
        UpdateSummary s = UpdateJob.parse("--index", index, "--upsert", upserts.toString(), "--drift_threshold", "0.05")
                .run(sc);
        liveOnce(index);
        // 3 of 40 documents changed: 7.5% > 5%
        assertTrue(s.drift().rebuildRecommended(), s.drift().describe());
        assertTrue(s.rebuild().startsWith("recommended"), s.rebuild());
        assertTrue(s.drift().reasons().get(0).contains("7.5% of the documents changed"), s.drift().reasons().toString());
        UpdateSummary quiet = UpdateJob.parse("--index", index, "--upsert", write("more.jsonl",
                TextIndexFixture.json("new-3", "Lighthouses guide ships along rocky coasts.")).toString(),
                "--drift_threshold", "0.5", "--max-far-residual-share", "1", "--max-residual-change", "1000000").run(sc);
        liveOnce(index);
        assertEquals(4, quiet.drift().changedDocuments(), "the count runs on since the build");
        assertFalse(quiet.drift().rebuildRecommended(), quiet.drift().describe());
    }

    @Test
    void aReaderServesEverySnapshotWithoutAFailureThroughUpdateCompactExpire() throws Exception {
        String index = fixture.copyTo(dir);
        IndexLayout layout = new IndexLayout(index);
        ManifestStore store = new ManifestStore(conf, layout);
        List<float[]> queries = TextCorpus.QUERIES.stream().map(model::encodeQuery).toList();
        Map<Long, Set<Integer>> deletedAt = new HashMap<>();
        Set<Integer> deleted = new HashSet<>();
        Runnable record = () -> {
            liveOnce(index);
            Manifest m = store.readLatest();
            IntStream.of(DeletedPids.of(conf, layout, m)).forEach(deleted::add);
            deletedAt.put(m.version(), Set.copyOf(deleted));
        };
        record.run();
        Path a = write("a.jsonl", TextIndexFixture.json("new-1", "Zebrafish regenerate heart muscle."),
                TextIndexFixture.json("d2", "Glaciers carve valleys into mountains."));
        Path b = write("b.jsonl", TextIndexFixture.json("new-2", "Lighthouses guide ships along rocky coasts."));
        Path d1 = write("d1.txt", "d3", "d4", "d9");
        Path d2 = write("d2.txt", "d10", "new-1");
        ServingReader reader;
        try (TartanIndex served = TartanIndex.open(index)) {
            reader = new ServingReader(served, queries);
            UpdateJob.parse("--index", index, "--upsert", a.toString(), "--delete", d1.toString()).run(sc);
            record.run();
            UpdateJob.parse("--index", index, "--delete", d2.toString()).run(sc);
            record.run();
            assertTrue(CompactJob.parse("--index", index).run(sc).committed().isPresent());
            record.run();
            assertEquals(0, MaintenanceCli.execute(new ExpireCommand(conf), "--index", index, "--keep", "1",
                    "--orphan-grace", "0s"));
            UpdateJob.parse("--index", index, "--upsert", b.toString()).run(sc);
            record.run();
            assertEquals(0, MaintenanceCli.execute(new ExpireCommand(conf), "--index", index, "--keep", "1",
                    "--orphan-grace", "0s"));
            reader.finishAt(store.readLatest().version(), 100);
        }
        reader.assertNoFailureAndNoDeletedPid(deletedAt);
        Set<Long> versions = new TreeSet<>();
        reader.served.forEach(s -> versions.add(s.version()));
        assertTrue(versions.contains(store.readLatest().version()), versions.toString());
        System.out.printf("reader: %d queries over versions %s, %d reload(s) failed and were retried%n",
                reader.answered(), versions, reader.reloadFailures.size());
    }

    @Test
    void pastTheThresholdRebuildIfDriftRebuildsInPlaceAsTheNextSnapshot() throws IOException {
        String index = fixture.copyTo(dir);
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        Manifest v1 = store.readLatest();
        String[] added = {TextIndexFixture.json("new-1", "Zebrafish regenerate heart muscle after an injury."),
            TextIndexFixture.json("new-2", "Saturn's rings are made of ice and rock."),
            TextIndexFixture.json("new-3", "Lighthouses guide ships along rocky coasts.")};
        Path upserts = write("upserts.jsonl", added);
        // the corpus as it is after this batch: the rebuild indexes all of it
        Path corpus = TextCorpus.write(dir.resolve("corpus.jsonl"), TextIndexFixture.DOCS, 7);
        Files.write(corpus, List.of(added), java.nio.file.StandardOpenOption.APPEND);
        try (TartanIndex reader = TartanIndex.open(index)) {
            reader.withEncoder(encoder);
            UpdateSummary s = UpdateJob.parse("--index", index, "--upsert", upserts.toString(), "--rebuild-if-drift",
                    "--corpus", corpus.toString()).run(sc);

            assertEquals("rebuilt", s.outcome(), s.toJson());
            liveOnce(index);
            assertTrue(s.drift().rebuildRecommended());
            Manifest v2 = store.readLatest();
            assertEquals(2, v2.version());
            assertEquals(Manifest.OP_BUILD, v2.operation());
            assertEquals(v1.snapshotId(), v2.parentSnapshotId());
            assertEquals(v1.settings(), v2.settings(), "a rebuild keeps the index settings");
            assertFalse(v1.codec().path().equals(v2.codec().path()), "new centroids and buckets");
            assertEquals(TextIndexFixture.DOCS + 3, v2.summary().liveDocuments());
            assertTrue(v2.shards().stream().allMatch(f -> f.minPid() >= v1.summary().nextPid()), "no pid is reused");
            assertEquals(v1.summary().nextPid() + TextIndexFixture.DOCS + 3, v2.summary().nextPid());
            assertFalse(Files.exists(Path.of(index, "_rebuild")) && Files.list(Path.of(index, "_rebuild")).findAny()
                    .isPresent(), "the staging folder is removed");

            assertTrue(reader.refresh(), "readers pick up the rebuild like any snapshot");
            assertEquals("new-1", top(reader, "zebrafish heart regeneration"));
            assertEquals("new-3", top(reader, "lighthouse on the coast"));
        }
        UpdateSummary same = UpdateJob.parse("--index", index, "--upsert", upserts.toString(), "--rebuild-if-drift",
                "--corpus", corpus.toString()).run(sc);
        assertEquals("already-applied", same.outcome());
        UpdateSummary next = UpdateJob.parse("--index", index, "--delete", write("del.txt", "d1").toString()).run(sc);
        liveOnce(index);
        assertEquals(1, next.drift().changedDocuments(), "the change count starts again at the rebuild");
        assertEquals(TextIndexFixture.DOCS + 3, next.drift().documentsAtBuild());
    }

    @Test
    void precomputedVectorsUpdateAnIndexOfVectors() throws IOException {
        IndexFixture f = IndexFixture.build(dir.resolve("vectors-index"), 40, 10);
        float[] centroids;
        try (TartanIndex idx = TartanIndex.open(f.uri)) {
            centroids = idx.snapshot().codec().centroids();
        }
        java.util.Random rnd = new java.util.Random(21);
        Map<String, float[]> docs = new java.util.LinkedHashMap<>();
        for (String id : List.of("v-0", "v-1", "v-2", "doc-3")) {
            docs.put(id, io.tartan.format.TestVectors.clustered(rnd, centroids, SampleIndex.DIM, 12, 0.4f, null));
        }
        List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        docs.forEach((id, m) -> {
            List<List<Float>> vectors = new java.util.ArrayList<>();
            for (int t = 0; t < m.length / SampleIndex.DIM; t++) {
                List<Float> row = new java.util.ArrayList<>();
                for (int d = 0; d < SampleIndex.DIM; d++) {
                    row.add(m[t * SampleIndex.DIM + d]);
                }
                vectors.add(row);
            }
            rows.add(org.apache.spark.sql.RowFactory.create(id, vectors));
        });
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("id", org.apache.spark.sql.types.DataTypes.StringType, false)
                .add("vectors", org.apache.spark.sql.types.DataTypes.createArrayType(
                        org.apache.spark.sql.types.DataTypes.createArrayType(
                                org.apache.spark.sql.types.DataTypes.FloatType)));
        String upserts = dir.resolve("upserts-parquet").toString();
        org.apache.spark.sql.SparkSession.builder().sparkContext(sc.sc()).getOrCreate()
                .createDataFrame(rows, schema).coalesce(1).write().parquet(upserts);
        Path deletes = write("deletes.txt", "doc-7");

        UpdateSummary s = UpdateJob.parse("--index", f.uri, "--upsert", upserts, "--format", "parquet-vectors",
                "--delete", deletes.toString()).run(sc);

        assertEquals("committed", s.outcome(), s.toJson());
        liveOnce(f.uri);
        assertEquals(4, s.upserted());
        assertEquals(1, s.replaced());
        assertEquals(1, s.deleted());
        try (TartanIndex idx = TartanIndex.open(f.uri)) {
            for (Map.Entry<String, float[]> e : docs.entrySet()) {
                SearchHit best = idx.searchExact(e.getValue(), 1).hits().get(0);
                assertEquals(e.getKey(), best.docId(), "a document's own vectors find it");
                assertTrue(best.pid() >= 40, "new pid " + best.pid());
            }
            for (float[] q : f.queries) {
                assertFalse(idx.searchExact(q, 100).hits().stream().anyMatch(h -> h.docId().equals("doc-7")));
            }
        }
    }

    static Set<String> files(String index) throws IOException {
        Set<String> out = new HashSet<>();
        for (String d : List.of("data", "ivf", "codec", "deletes")) {
            Path p = Path.of(index, d);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.forEach(f -> out.add(d + "/" + f.getFileName()));
                }
            }
        }
        return out;
    }
}
