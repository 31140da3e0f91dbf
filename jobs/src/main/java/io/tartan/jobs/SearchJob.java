package io.tartan.jobs;

import io.tartan.encoders.TokenEncoder;
import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.jobs.input.CorpusReader;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.maintenance.MaintenanceCli;
import io.tartan.jobs.search.PartitionOpener;
import io.tartan.jobs.search.QueryReaders;
import io.tartan.jobs.search.SearchMode;
import io.tartan.jobs.search.SearchOutput;
import io.tartan.jobs.search.SearchOverrides;
import io.tartan.jobs.search.SearchRun;
import io.tartan.jobs.search.SearchSummary;
import io.tartan.jobs.stage.EncoderSpec;
import io.tartan.jobs.stage.InputCounts;
import io.tartan.jobs.stage.InputValidation;
import io.tartan.jobs.stage.RejectedOutput;
import io.tartan.jobs.stage.StageClock;
import io.tartan.jobs.stage.TaskProgress;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tartan search-batch} (spark-submit main): searches a whole query set against one index snapshot and writes
 * every query's top-k as Parquet.
 *
 * <ol>
 *   <li>pin the snapshot: the latest manifest version (or {@code --version}) when the job starts;</li>
 *   <li>read and validate the queries (JSONL text or vectors, Parquet text or vectors, npy vectors): empty text,
 *       missing or duplicate ids, wrong-width or non-finite vectors and unparsable lines go to {@code _rejected/};</li>
 *   <li>cut the valid queries into blocks in input order and encode text queries in the executors with the encoder
 *       the index was built with (checked against the manifest);</li>
 *   <li>search: every executor loads the snapshot once per JVM (through the query runtime's local file cache) and
 *       searches its blocks with the chosen mode; with {@code --index-partitions n}, each task searches one index
 *       partition for one block and the partial answers (top-k lists in exact mode, candidate pools in FAST and
 *       PLAID) are merged per query into exactly the single plan's result;</li>
 *   <li>write the results, then the rejects, then {@code _SUCCESS} (the summary), last.</li>
 * </ol>
 * See {@link SearchOutput} for the output folder.
 */
@Command(name = "search-batch", mixinStandardHelpOptions = true,
        description = "Search a query set against a Tartan index with Spark; results to Parquet.")
public final class SearchJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SearchJob.class);

    @Option(names = "--index", required = true, description = "index URI (local path, file:, s3a:)")
    String index;

    @Option(names = "--queries", required = true, description = "query file or folder (file:, s3a:): JSONL "
            + "({\"_id\"|\"id\"|\"qid\", \"text\"|\"query\"} or {…, \"vectors\": [[…]…]}), Parquet (id, text) or "
            + "(id, vectors: list<list<float>>), or .npy float32 [nq, query_maxlen, dim]")
    String queries;

    @Option(names = "--output", required = true, description = "results folder (Parquet: query_id, rank, doc_id, "
            + "score, version; _rejected/; _SUCCESS written last)")
    String output;

    @Option(names = {"-k", "--k"}, defaultValue = "10", description = "results per query (default ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--mode", defaultValue = "fast",
            description = "fast (default), plaid (ColBERT's PLAID, faithfully) or exact (exhaustive MaxSim)")
    String mode;

    @Option(names = "--ncells", description = "cells probed per query token (default: from k and mode)")
    Integer ncells;

    @Option(names = {"--centroid-score-threshold", "--centroid_score_threshold"},
            description = "PLAID stage-2 pruning threshold (default: from k and mode)")
    Float centroidScoreThreshold;

    @Option(names = "--ndocs", description = "candidates kept after stage 2 (default: from k and mode)")
    Integer ndocs;

    @Option(names = "--ngroups", description = "FAST: centroid groups each query token is scored against "
            + "(0: every centroid; default: from k and mode)")
    Integer ngroups;

    @Option(names = "--format", defaultValue = "auto",
            description = "auto, jsonl, parquet, parquet-vectors or npy (default ${DEFAULT-VALUE}: by file name)")
    String format;

    @Option(names = {"--query-ids", "--query_ids"},
            description = "ids of npy queries, one per line in row order (default: the row numbers 0, 1, …)")
    String queryIds;

    @Option(names = "--version", description = "manifest version to search (default: the latest when the job starts)")
    Long version;

    @Option(names = {"--model-config", "--model_config"}, defaultValue = "",
            description = "encoder of text queries; must be the one the index was built with (default: bundled)")
    String modelConfig;

    @Option(names = {"--encoder-device", "--encoder_device"}, defaultValue = "cpu",
            description = "cpu, cuda:N, or gpu (the GPU Spark assigns each encode task)")
    String encoderDevice;

    @Option(names = {"--encoder-threads", "--encoder_threads"}, defaultValue = "1",
            description = "ONNX intra-op threads per executor (default ${DEFAULT-VALUE})")
    int encoderThreads;

    @Option(names = {"--encoder-batch-size", "--encoder_batch_size"}, defaultValue = "8",
            description = "text queries per encoder run (default ${DEFAULT-VALUE})")
    int encoderBatchSize;

    @Option(names = {"--index-partitions", "--index_partitions"}, defaultValue = "1",
            description = "search the index in this many partitions and merge each query's answers, to the same "
                    + "results (default ${DEFAULT-VALUE}: every task searches the whole snapshot)")
    int indexPartitions;

    @Option(names = {"--queries-per-task", "--queries_per_task"}, defaultValue = "1000",
            description = "queries per search task (default ${DEFAULT-VALUE}); at least one task per core")
    int queriesPerTask;

    @Option(names = {"--cache-dir", "--cache_dir"},
            description = "executor-local cache for files of remote indexes (default: java.io.tmpdir/tartan-cache)")
    String cacheDir;

    @Option(names = {"--max-reject-fraction", "--max_reject_fraction"}, defaultValue = "0.05",
            description = "fail, writing no results, when more than this share of query rows is rejected "
                    + "(default ${DEFAULT-VALUE})")
    double maxRejectFraction;

    @Option(names = {"--progress-seconds", "--progress_seconds"}, defaultValue = "10",
            description = "seconds between progress lines (default ${DEFAULT-VALUE})")
    double progressSeconds;

    private PartitionOpener opener = PartitionOpener.runtime();

    public static void main(String[] args) {
        System.exit(MaintenanceCli.execute(new SearchJob(), args));
    }

    /** A job configured from command-line arguments, for callers that bring their own Spark context. */
    public static SearchJob parse(String... args) {
        return MaintenanceCli.parse(new SearchJob(), args);
    }

    /** Opens index partitions with {@code o} instead of the query runtime (tests of the partitioned plan). */
    public SearchJob withOpener(PartitionOpener o) {
        this.opener = o;
        return this;
    }

    @Override
    public Integer call() {
        return MaintenanceCli.inSpark("tartan search-batch " + output, jsc -> run(jsc).toJson());
    }

    public SearchSummary run(JavaSparkContext sc) {
        require(k > 0, "-k must be positive, got " + k);
        require(indexPartitions >= 1, "--index-partitions must be >= 1, got " + indexPartitions);
        require(queriesPerTask >= 1, "--queries-per-task must be >= 1, got " + queriesPerTask);
        require(encoderBatchSize >= 1 && encoderThreads >= 1, "--encoder-batch-size and --encoder-threads must be >= 1");
        require(maxRejectFraction >= 0 && maxRejectFraction <= 1, "--max-reject-fraction must be in [0, 1]");
        require(progressSeconds > 0, "--progress-seconds must be > 0");
        SearchMode m = SearchMode.parse(mode);
        SearchOverrides overrides = new SearchOverrides(ncells, centroidScoreThreshold, ndocs, ngroups);
        m.params(overrides).resolve(k);

        Configuration conf = sc.hadoopConfiguration();
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        long v = version != null ? version : store.latestVersion().orElseThrow(() -> new IndexJobException(index
                + ": no index here (no metadata/v<N>.manifest.json)"));
        IndexSettings settings = store.read(v).settings();
        // the queries' files, format and width are checked before anything is written
        CorpusReader reader = QueryReaders.open(format, queries, queryIds, settings.dim(), output, conf);
        SearchOutput out = new SearchOutput(conf, output);
        out.begin();
        LOG.info("searching {} v{} ({} mode, k = {}, {} index partition(s)) for the queries in {}", index, v,
                m.name().toLowerCase(Locale.ROOT), k, indexPartitions, queries);

        TaskProgress progress = new TaskProgress();
        sc.sc().addSparkListener(progress);
        StageClock clock = new StageClock(LOG);
        InputValidation.Result in = null;
        try {
            sc.setJobDescription("read and validate " + queries);
            in = clock.time("read", () -> InputValidation.run(sc, reader));
            InputCounts counts = in.counts();
            clock.done("read", "rows", counts.rows(), counts.valid() + " queries, " + counts.rejectedTotal()
                    + " rejected " + counts.rejectedByKind());
            checkRejects(counts, in, conf);

            long texts = reader.precomputed() ? 0 : in.valid().filter(d -> d.vectors() == null).count();
            EncoderSpec spec = new EncoderSpec(modelConfig, 0, encoderDevice, encoderThreads, encoderBatchSize);
            if (texts > 0) {
                requireIndexEncoder(spec, settings);
            }
            SearchRun run = new SearchRun(sc, clock, new HadoopConf(conf), index, v, m, k, overrides, cacheDir, opener);
            SearchRun.Result r = run.search(in.valid(), counts.valid(), texts, spec, queriesPerTask,
                    indexPartitions, progressSeconds);
            try {
                clock.time("write", () -> {
                    sc.setJobDescription("write results to " + output);
                    out.writeResults(sc, r.hits());
                    return null;
                });
                String rejectedDir = RejectedOutput.write(in.rejected(), counts.rejectedTotal(), output, conf);
                SearchSummary s = new SearchSummary(index, queries, output, reader.format(), v,
                        m.name().toLowerCase(Locale.ROOT), k, indexPartitions, r.tasks(), counts.rows(),
                        counts.valid(), counts.rejectedTotal(), counts.rejectedByKind(), rejectedDir, r.encoded(),
                        r.results(), out.resultFiles(), r.snapshotLoads(), r.queriesPerSecond(), r.p50Millis(),
                        r.p95Millis(), clock.seconds());
                clock.time("commit", () -> {
                    out.commit(s.toJson());
                    return null;
                });
                LOG.info("committed {}: {} queries, {} results, {} rejected, {} queries/s, p50 {} ms per query",
                        output, s.queries(), s.results(), s.rejected(), String.format("%.1f", s.queriesPerSecond()),
                        String.format("%.2f", s.p50QueryMillis()));
                return s;
            } finally {
                r.release();
            }
        } finally {
            if (in != null) {
                in.rows().unpersist(false);
            }
            sc.sc().removeSparkListener(progress);
            sc.setJobDescription(null);
        }
    }

    /** Too many bad queries means the wrong file or format: report them and write no results. */
    private void checkRejects(InputCounts counts, InputValidation.Result in, Configuration conf) {
        double share = counts.rows() == 0 ? 1 : counts.rejectedTotal() / (double) counts.rows();
        if (counts.valid() > 0 && share <= maxRejectFraction) {
            return;
        }
        String dir = RejectedOutput.write(in.rejected(), counts.rejectedTotal(), output, conf);
        String see = dir == null ? "" : "; see " + dir;
        if (counts.valid() == 0) {
            throw new IndexJobException("no valid query in " + queries + " (" + counts.rows() + " rows, "
                    + counts.rejectedTotal() + " rejected " + counts.rejectedByKind() + see + "); no results written");
        }
        throw new IndexJobException(counts.rejectedTotal() + " of " + counts.rows() + " query rows rejected ("
                + String.format("%.1f%%", 100 * share) + ", more than max_reject_fraction " + maxRejectFraction + ") "
                + counts.rejectedByKind() + see + "; no results written");
    }

    /** Query vectors only match the index's when they come from the encoder that built it. */
    private static void requireIndexEncoder(EncoderSpec spec, IndexSettings settings) {
        if (settings.encoderChecksum() == null) {
            throw new IndexJobException("the index was built from precomputed vectors (encoder '"
                    + settings.encoderId() + "'): text queries cannot be encoded for it; give query vectors");
        }
        TokenEncoder e = spec.open();
        if (!e.encoderId().equals(settings.encoderId()) || !e.checksum().equals(settings.encoderChecksum())
                || e.dim() != settings.dim()) {
            throw new IndexJobException("the index was built with encoder '" + settings.encoderId() + "' ("
                    + settings.encoderChecksum() + ", dim " + settings.dim() + ") but text queries would be encoded "
                    + "with '" + e.encoderId() + "' (" + e.checksum() + ", dim " + e.dim() + "); pass the index's "
                    + "--model-config");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
