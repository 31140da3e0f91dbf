package io.tartan.jobs.search;

import io.tartan.format.testing.S3MockServer;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.SearchJob;
import io.tartan.jobs.cluster.TextCorpus;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.OpenOptions;
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
 * SearchJob with the index, the queries and the results on a real S3 server (s3mock in a child JVM): executors
 * load the snapshot through the query runtime's local file cache, and the results are committed by the
 * {@code _SUCCESS} object written last.
 */
@Tag("slow")
class SearchJobOnS3Test {
    private static final int K = 10;
    @TempDir
    Path tmp;

    @Test
    void textAndVectorQueriesOnS3GiveTheRuntimesResults() throws IOException {
        Path corpus = TextCorpus.write(tmp.resolve("corpus.jsonl"), 30, 7);
        String index = "s3a://b1/indexes/searched";
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TextCorpus.QUERIES.size(); i++) {
            lines.add("{\"_id\": \"q" + i + "\", \"text\": \"" + TextCorpus.QUERIES.get(i) + "\"}");
        }
        lines.add("{\"_id\": \"blank\", \"text\": \"\"}");
        try (S3MockServer s3 = S3MockServer.start()) {
            Configuration conf = s3.hadoopConf();
            s3.put("b2", "queries/queries.jsonl", String.join("\n", lines).getBytes());
            JavaSparkContext sc = LocalSpark.start("search-on-s3");
            SearchSummary text;
            SearchSummary vectors;
            List<float[]> encoded = new ArrayList<>();
            int dim;
            OpenOptions open = OpenOptions.defaults().withStorage(new HadoopStorageProvider(conf)).withCacheDir(tmp.resolve("reader-cache"), false);
            try {
                s3.configure(sc.hadoopConfiguration());
                IndexJob.run(sc, IndexConfig.parse(new String[] {"--input", corpus.toString(), "--output", index,
                    "--ncentroids", "32", "--min_shards", "2"}));
                SnapshotCache.clear();
                text = SearchJob.parse("--index", index, "--queries", "s3a://b2/queries/queries.jsonl", "--output",
                        "s3a://b2/results/text", "--max-reject-fraction", "0.2", "--queries-per-task", "4",
                        "--cache-dir", tmp.resolve("executor-cache").toString()).run(sc);

                try (TartanIndex reader = TartanIndex.open(index, open).withEncoder(ModelQueryEncoder.open(null))) {
                    for (String q : TextCorpus.QUERIES) {
                        encoded.add(reader.encode(q));
                    }
                    dim = reader.snapshot().dim();
                }
                Path npy = QueryFiles.npy(tmp.resolve("q.npy"), encoded, encoded.get(0).length / dim, dim);
                s3.put("b2", "queries/q.npy", Files.readAllBytes(npy));
                vectors = SearchJob.parse("--index", index, "--queries", "s3a://b2/queries/q.npy", "--output",
                        "s3a://b2/results/vectors", "--cache-dir", tmp.resolve("executor-cache").toString()).run(sc);
            } finally {
                sc.stop();
            }
            assertEquals(8, text.queries());
            assertEquals(1, text.rejected());
            assertEquals(1, text.snapshotLoads());
            assertEquals(0, vectors.snapshotLoads(), "the second job found the snapshot loaded in this JVM");
            assertTrue(Files.isDirectory(tmp.resolve("executor-cache")), "remote index files cached locally");
            List<String> keys = s3.list("b2", "results/text/");
            assertTrue(keys.contains("results/text/_SUCCESS"), keys.toString());
            assertTrue(keys.stream().anyMatch(k -> k.startsWith("results/text/_rejected/part-")), keys.toString());
            assertFalse(keys.contains("results/text/_STARTED"), keys.toString());

            SearchResults t = SearchResults.read(conf, "s3a://b2/results/text");
            SearchResults v = SearchResults.read(conf, "s3a://b2/results/vectors");
            try (TartanIndex reader = TartanIndex.open(index, open)) {
                for (int i = 0; i < encoded.size(); i++) {
                    List<String> want = SearchResults.lines(reader.search(encoded.get(i), K, SearchParams.defaults()));
                    assertEquals(want, t.byQuery().get("q" + i), "text query " + i);
                    assertEquals(want, v.byQuery().get(Integer.toString(i)), "vector query " + i);
                }
            }
        }
    }
}
