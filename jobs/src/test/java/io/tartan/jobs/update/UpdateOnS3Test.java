package io.tartan.jobs.update;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.testing.S3MockServer;
import io.tartan.jobs.CompactJob;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.cluster.TextCorpus;
import io.tartan.jobs.maintenance.ExpireCommand;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.jobs.maintenance.MaintenanceCli;
import io.tartan.jobs.maintenance.RollbackCommand;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.hadoop.HadoopStorageProvider;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Update, concurrent commits, compaction, rollback and expiry of an index on a real S3 server (s3mock in a child
 * JVM): commits are S3 conditional creates, so of two updates committing the same version the store lets exactly one
 * through.
 */
@Tag("slow")
class UpdateOnS3Test {
    static S3MockServer s3;
    static JavaSparkContext sc;
    static Configuration conf;
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = S3MockServer.start();
        conf = s3.hadoopConf();
        sc = LocalSpark.start("update-on-s3");
        s3.configure(sc.hadoopConfiguration());
    }

    @AfterAll
    static void stop() {
        try {
            if (sc != null) {
                sc.stop();
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }

    /** A text index of 30 documents ({@code d0…}) built by IndexJob at {@code index}. */
    void build(String index) {
        Path corpus = TextCorpus.write(tmp.resolve("corpus.jsonl"), 30, 7);
        IndexJob.run(sc, IndexConfig.parse(new String[] {"--input", corpus.toString(), "--output", index,
            "--ncentroids", "32", "--min_shards", "2"}));
    }

    static void liveOnce(String index) {
        LiveDocIds.assertEachLiveAtMostOnce(conf, index);
    }

    @Test
    void aDeleteThatLosesTheRaceToAnUpsertOfTheSameIdDeletesTheNewVersionOnS3() throws IOException {
        String index = "s3a://b2/indexes/delete-race";
        build(index);
        RaceCases.deleteLosesToUpsertOfTheSameId(sc, conf, index, tmp, "d1");
    }

    @Test
    void anUpdateThatLosesTheRaceToARollbackReplacesTheRestoredVersionOnS3() throws IOException {
        String index = "s3a://b2/indexes/rollback-race";
        build(index);
        RaceCases.updateLosesToRollback(sc, conf, index, tmp, "d2");
    }

    @Test
    void updateRaceCompactRollbackAndExpireOnS3() throws IOException {
        Path a = Files.write(tmp.resolve("a.jsonl"), List.of(TextIndexFixture.json("from-a",
                "Zebrafish regenerate heart muscle after an injury.")));
        Path b = Files.write(tmp.resolve("b.jsonl"), List.of(TextIndexFixture.json("from-b",
                "Lighthouses guide ships along rocky coasts.")));
        Path del = Files.write(tmp.resolve("del.txt"), List.of("d4"));
        String index = "s3a://b2/indexes/updated";
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        build(index);

        RaceCases.appendLosesToAppend(sc, conf, index, a, b, "from-b");
        RaceCases.deleteLosesToAppend(sc, conf, index, del, b);
        assertTrue(CompactJob.parse("--index", index).run(sc).committed().isPresent());
        liveOnce(index);
        assertEquals(5, store.readLatest().version());
        assertTrue(store.readLatest().deletes().isEmpty());

        OpenOptions open = OpenOptions.defaults().withStorage(new HadoopStorageProvider(conf)).withCacheDir(tmp.resolve("cache"), false);
        List<SearchHit> at5;
        try (TartanIndex reader = TartanIndex.open(index, open).withEncoder(ModelQueryEncoder.open(null))) {
            assertEquals("from-a", reader.search("zebrafish heart regeneration", 3, SearchParams.defaults())
                    .hits().get(0).docId());
            assertEquals("from-b", reader.search("lighthouse on the coast", 3, SearchParams.defaults())
                    .hits().get(0).docId());
            for (String q : TextCorpus.QUERIES) {
                assertFalse(reader.searchExact(reader.encode(q), 100).hits().stream()
                        .anyMatch(h -> h.docId().equals("d4")), "the deleted d4 came back for " + q);
            }
            at5 = reader.search("how do plants make glucose from sunlight", 10, SearchParams.defaults()).hits();

            assertEquals(0, MaintenanceCli.execute(new RollbackCommand(conf), "--index", index, "--to", "v2"));
            liveOnce(index);
            assertTrue(reader.refresh());
            assertFalse(reader.search("lighthouse on the coast", 10, SearchParams.defaults()).hits().stream()
                    .anyMatch(h -> h.docId().equals("from-b")), "v2 had no from-b");
            assertEquals(0, MaintenanceCli.execute(new RollbackCommand(conf), "--index", index, "--to", "5"));
            liveOnce(index);
            assertTrue(reader.refresh());
            assertEquals(at5, reader.search("how do plants make glucose from sunlight", 10,
                    SearchParams.defaults()).hits(), "rolling forward restores v5's results exactly");
        }

        assertEquals(0, MaintenanceCli.execute(new ExpireCommand(conf), "--index", index, "--keep", "1",
                "--orphan-grace", "0s"));
        assertEquals(List.of(7L), store.versions());
        Set<String> keys = new HashSet<>();
        for (String k : s3.list("b2", "indexes/updated/")) {
            keys.add(k.substring("indexes/updated/".length()));
        }
        Manifest live = store.readLatest();
        for (DataFile f : live.allFiles()) {
            assertTrue(keys.contains(f.path()), "live file " + f.path() + " kept");
        }
        long dataKeys = keys.stream().filter(k -> k.startsWith("data/") || k.startsWith("ivf/")
                || k.startsWith("deletes/") || k.startsWith("codec/")).count();
        assertEquals(live.allFiles().size(), dataKeys, "every other data file, the lost update's included, is "
                + "collected: " + keys);
        try (TartanIndex fresh = TartanIndex.open(index, open)) {
            assertEquals(7, fresh.snapshot().version());
        }
    }
}

