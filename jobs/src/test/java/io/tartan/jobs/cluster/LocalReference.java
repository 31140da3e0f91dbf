package io.tartan.jobs.cluster;

import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.maintenance.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference build the cluster and S3 tests compare with: {@link TextCorpus} indexed by IndexJob in Spark
 * local[2] from local files in the test JVM, built once per JVM and shared by every test class.
 */
public final class LocalReference {
    public static final int DOCS = 160;
    static final long SEED = 7;
    private static LocalReference instance;

    public final Path corpus;
    public final String index;
    public final IndexFingerprint fingerprint;

    private LocalReference(Path corpus, String index, IndexFingerprint fingerprint) {
        this.corpus = corpus;
        this.index = index;
        this.fingerprint = fingerprint;
    }

    public static synchronized LocalReference get() {
        if (instance == null) {
            Path dir = ClusterFixture.workDir("local-reference");
            Path corpus = TextCorpus.write(dir.resolve("corpus.jsonl"), DOCS, SEED);
            String index = dir.resolve("index").toString();
            JavaSparkContext sc = LocalSpark.start("local-reference");
            try {
                IndexJob.run(sc, IndexConfig.parse(args(corpus.toString(), index).toArray(String[]::new)));
            } finally {
                sc.stop();
            }
            instance = new LocalReference(corpus, index, IndexFingerprint.of(new Configuration(), index));
        }
        return instance;
    }

    /**
     * IndexJob's arguments for every build that is compared with the reference: a fixed shard count, so that the
     * shards (and so the encoder's batches) do not depend on how many cores the master offers.
     */
    public static List<String> args(String input, String output) {
        return new ArrayList<>(List.of("--input", input, "--output", output, "--min_shards", "4"));
    }
}
