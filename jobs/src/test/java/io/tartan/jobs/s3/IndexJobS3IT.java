package io.tartan.jobs.s3;

import io.tartan.format.testing.S3MockServer;
import io.tartan.jobs.BuildSummary;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.cluster.IndexFingerprint;
import io.tartan.jobs.cluster.LocalReference;
import io.tartan.jobs.cluster.TextCorpus;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.hadoop.HadoopStorageProvider;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Object storage end to end against a real S3 server (s3mock in a child JVM): IndexJob reads the corpus from
 * {@code s3a://} and writes the index to {@code s3a://}, the query runtime opens it from {@code s3a://}, and every
 * query's top-10 equals that of the same job run on local files ({@link LocalReference}). An IT (run after the
 * package phase) only so that it shares the local build with the cluster tests.
 */
@Tag("slow")
class IndexJobS3IT {
    @TempDir
    Path tmp;

    @Test
    void s3aInS3aOutSearchesLikeTheLocalBuild() throws IOException {
        LocalReference ref = LocalReference.get();
        String s3Index = "s3a://b2/indexes/corpus-v1";
        List<List<SearchHit>> local = new ArrayList<>();
        List<List<SearchHit>> remote = new ArrayList<>();
        try (S3MockServer s3 = S3MockServer.start()) {
            s3.put("b1", "corpus/part-0.jsonl", Files.readAllBytes(ref.corpus));
            JavaSparkContext sc = LocalSpark.start("index-job-s3");
            BuildSummary built;
            try {
                s3.configure(sc.hadoopConfiguration());
                built = IndexJob.run(sc, IndexConfig.parse(
                        LocalReference.args("s3a://b1/corpus/", s3Index).toArray(String[]::new)));
            } finally {
                sc.stop();
            }
            assertEquals(LocalReference.DOCS, built.documents());
            List<String> keys = s3.list("b2", "indexes/corpus-v1/");
            assertTrue(keys.stream().anyMatch(k -> k.contains("/metadata/v") && k.endsWith(".manifest.json")),
                    "the manifest was committed on S3: " + keys);
            assertTrue(keys.stream().filter(k -> k.endsWith(".parquet")).count() >= 4, keys.toString());
            assertFalse(keys.stream().anyMatch(k -> k.contains("_temporary")), "no committer leftovers: " + keys);

            Configuration conf = s3.hadoopConf();
            assertEquals(ref.fingerprint, IndexFingerprint.of(conf, s3Index), "the same index as from local files");

            OpenOptions s3Open = OpenOptions.defaults().withStorage(new HadoopStorageProvider(conf)).withCacheDir(tmp.resolve("cache"), false);
            // each index closes its own encoder
            try (TartanIndex fromLocal = TartanIndex.open(ref.index).withEncoder(ModelQueryEncoder.open(null));
                    TartanIndex fromBucket = TartanIndex.open(s3Index, s3Open)
                            .withEncoder(ModelQueryEncoder.open(null))) {
                for (String q : TextCorpus.QUERIES) {
                    local.add(fromLocal.search(q, 10, SearchParams.defaults()).hits());
                    remote.add(fromBucket.search(q, 10, SearchParams.defaults()).hits());
                }
            }
        }
        assertEquals(local, remote);
        assertTrue(local.stream().allMatch(h -> h.size() == 10), "every query found 10 documents");
    }
}
