package io.tartan.jobs.s3;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.testing.S3MockServer;
import io.tartan.jobs.CompactJob;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.UpdateJob;
import io.tartan.jobs.cluster.TextCorpus;
import io.tartan.jobs.maintenance.ExpireCommand;
import io.tartan.jobs.maintenance.MaintenanceCli;
import io.tartan.jobs.maintenance.RollbackCommand;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * index, update, compact, rollback and expire reach a non-AWS S3 endpoint (s3mock in a child JVM) through their
 * command lines alone: each runs as {@code scripts/tartan} runs it (the job's main on a Spark context built from
 * {@code spark.*} system properties, as spark-submit passes them), with the S3A settings given as
 * {@code --conf KEY=VALUE}, a properties file or a Hadoop XML file. Hadoop's cached S3A client is dropped between
 * commands, so each one must have brought its own settings.
 */
@Tag("slow")
class S3SettingsCliTest {
    private static final Map<String, String> SPARK = Map.of("spark.master", "local[2]", "spark.ui.enabled", "false",
            "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1",
            "spark.sql.shuffle.partitions", "2", "spark.app.name", "s3-settings-cli");
    private final Map<String, String> saved = new HashMap<>();

    @TempDir
    Path tmp;

    @BeforeEach
    void sparkSubmitProperties() {
        SPARK.forEach((k, v) -> {
            saved.put(k, System.getProperty(k));
            System.setProperty(k, v);
        });
    }

    @AfterEach
    void restore() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Test
    void everyJobAndMaintenanceCommandTakesS3SettingsOnItsCommandLine() throws IOException {
        Path corpus = TextCorpus.write(tmp.resolve("corpus.jsonl"), 30, 7);
        Path del = Files.write(tmp.resolve("del.txt"), List.of("d4", "d5"));
        Path indexSettings = Files.writeString(tmp.resolve("index.properties"), "ncentroids=32\nmin_shards=2\n");
        String index = "s3a://b2/indexes/cli";
        try (S3MockServer s3 = S3MockServer.start()) {
            Configuration c = new Configuration(false);
            s3.configure(c);
            Map<String, String> settings = new TreeMap<>();
            c.forEach(e -> settings.put(e.getKey(), e.getValue()));
            List<String> confFlags = new ArrayList<>();
            settings.forEach((k, v) -> confFlags.addAll(List.of("--conf", k + "=" + v)));
            Path props = Files.write(tmp.resolve("s3.properties"),
                    settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            StringBuilder xml = new StringBuilder("<configuration>\n");
            settings.forEach((k, v) -> xml.append("<property><name>").append(k).append("</name><value>").append(v)
                    .append("</value></property>\n"));
            Path coreSite = Files.writeString(tmp.resolve("core-site.xml"), xml.append("</configuration>\n"));
            ManifestStore store = new ManifestStore(s3.hadoopConf(), new IndexLayout(index));

            // --conf FILE (the index settings) and --conf KEY=VALUE (Hadoop) side by side
            List<String> indexArgs = new ArrayList<>(List.of("--input", corpus.toString(), "--output", index,
                    "--conf", indexSettings.toString()));
            indexArgs.addAll(confFlags);
            assertEquals(0, IndexJob.cli(indexArgs.toArray(String[]::new)));
            assertEquals(32, store.readLatest().settings().numCentroids(), "the index settings file was read");
            forgetClients(s3);

            assertEquals(0, MaintenanceCli.execute(new UpdateJob(), "--index", index, "--delete", del.toString(),
                    "--hadoop-conf-file", props.toString()));
            assertEquals(28, store.readLatest().summary().liveDocuments());
            forgetClients(s3);

            assertEquals(0, MaintenanceCli.execute(new CompactJob(), "--index", index,
                    "--hadoop-conf-file", coreSite.toString()));
            assertEquals(Manifest.OP_COMPACT, store.readLatest().operation());
            forgetClients(s3);

            List<String> rollback = new ArrayList<>(List.of("--index", index, "--to", "v1"));
            rollback.addAll(confFlags);
            assertEquals(0, MaintenanceCli.execute(new RollbackCommand(), rollback.toArray(String[]::new)));
            assertEquals(30, store.readLatest().summary().liveDocuments());
            forgetClients(s3);

            assertEquals(0, MaintenanceCli.execute(new ExpireCommand(), "--index", index, "--keep", "1",
                    "--orphan-grace", "0s", "--hadoop-conf-file", props.toString()));
            assertEquals(List.of(4L), store.versions());
        }
    }

    /** Closes the cached S3A clients, so the next command cannot reuse one configured by an earlier command. */
    private static void forgetClients(S3MockServer s3) {
        for (String bucket : s3.buckets()) {
            S3MockServer.evictCachedFileSystem(bucket, s3.hadoopConf());
        }
    }
}
