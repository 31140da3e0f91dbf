package io.tartan.jobs.search;

import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.SourceDoc;
import io.tartan.jobs.stage.EncodeResources;
import io.tartan.jobs.stage.EncoderSpec;
import io.tartan.jobs.stage.PidRangePartitioner;
import io.tartan.jobs.stage.StageClock;
import io.tartan.query.eval.LatencyPercentiles;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

import java.util.List;

/**
 * The encode and search stages of one search batch: valid queries in, each query's top-k out (persisted until
 * {@link Result#release()}), with the figures the summary reports.
 */
public final class SearchRun {
    /** Per-query times the driver collects for the percentiles: all of them, or a uniform sample of this many. */
    static final long LATENCY_SAMPLE = 1_000_000;
    private final JavaSparkContext sc;
    private final StageClock clock;
    private final HadoopConf conf;
    private final String index;
    private final long version;
    private final SearchMode mode;
    private final int k;
    private final SearchOverrides overrides;
    private final String cacheDir;
    private final PartitionOpener opener;

    public SearchRun(JavaSparkContext sc, StageClock clock, HadoopConf conf, String index, long version,
            SearchMode mode, int k, SearchOverrides overrides, String cacheDir,
            PartitionOpener opener) {
        this.sc = sc;
        this.clock = clock;
        this.conf = conf;
        this.index = index;
        this.version = version;
        this.mode = mode;
        this.k = k;
        this.overrides = overrides;
        this.cacheDir = cacheDir;
        this.opener = opener;
    }

    /**
     * @param hits          every query's hits, in query order
     * @param tasks         search tasks run
     * @param p50Millis     median per-query search time
     * @param snapshotLoads snapshot loads over all executors
     */
    public record Result(JavaRDD<QueryHits> hits, JavaRDD<SearchQuery> queries, int tasks, long encoded,
            long results, long snapshotLoads, double queriesPerSecond, double p50Millis, double p95Millis) {
        /** Drops the persisted queries and hits. */
        public void release() {
            hits.unpersist(false);
            queries.unpersist(false);
        }
    }

    /**
     * @param valid           the valid queries, in input order
     * @param count           how many
     * @param texts           how many of them are text (to encode)
     * @param queriesPerTask  block size; blocks are at least one per core
     * @param indexPartitions 1 for the single plan
     */
    public Result search(JavaRDD<SourceDoc> valid, long count, long texts, EncoderSpec spec, int queriesPerTask,
            int indexPartitions, double progressSeconds) {
        int blocks = (int) Math.max(Math.min(count, sc.defaultParallelism()),
                Math.min(Integer.MAX_VALUE, (count + queriesPerTask - 1) / queriesPerTask));
        PidRangePartitioner byKey = new PidRangePartitioner(blocks, count);

        // blocks of consecutive queries, in input order
        LongAccumulator encodedAcc = sc.sc().longAccumulator("queries encoded");
        JavaRDD<SearchQuery> ready = valid.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                .repartitionAndSortWithinPartitions(byKey)
                .mapPartitions(it -> new QueryEncoding(it, spec, encodedAcc));
        ready = EncodeResources.forEncodeStage(ready, texts > 0 ? spec.device() : "cpu");
        if (ready.getResourceProfile() != null) {
            // without a shuffle here the search stage would run under the encode stage's GPU profile too
            ready = ready.mapToPair(q -> new Tuple2<>(q.key(), q)).repartitionAndSortWithinPartitions(byKey).values();
        }
        JavaRDD<SearchQuery> queries = ready.persist(StorageLevel.MEMORY_AND_DISK_SER());
        sc.setJobDescription("encode " + texts + " text queries of " + count);
        clock.time("encode", queries::count);
        clock.done("encode", "queries", count, encodedAcc.value() + " text queries encoded; " + blocks
                + " blocks of queries");

        LongAccumulator searched = sc.sc().longAccumulator("searches");
        LongAccumulator loads = sc.sc().longAccumulator("snapshot loads");
        SearchTask task = new SearchTask(index, version, conf, cacheDir, mode, k, overrides, opener, searched, loads);
        JavaRDD<QueryHits> hits = (indexPartitions == 1 ? SearchPlan.single(queries, task)
                : SearchPlan.partitioned(sc, queries, byKey, indexPartitions, task))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        long total = count * indexPartitions;
        sc.setJobDescription("search " + count + " queries" + (indexPartitions == 1 ? ""
                : " × " + indexPartitions + " index partitions"));
        try (QueryProgress p = new QueryProgress(searched, total, indexPartitions == 1 ? "queries"
                : "query-partition searches", progressSeconds)) {
            clock.time("search", hits::count);
        }
        double seconds = clock.seconds().get("search");
        clock.done("search", "queries", count, loads.value() + " snapshot load(s)");

        JavaRDD<Double> timed = hits.map(QueryHits::millis);
        // the percentiles of a uniform sample of a million are within a fraction of a percent of the exact ones, and
        // the driver holds 8 MB rather than 8 bytes per query
        List<Double> millis = (count <= LATENCY_SAMPLE ? timed : timed.sample(false, LATENCY_SAMPLE / (double) count,
                count)).collect();
        LatencyPercentiles lat = LatencyPercentiles.of(millis.stream().mapToDouble(Double::doubleValue).toArray());
        long results = hits.map(h -> (long) h.size()).fold(0L, Long::sum);
        return new Result(hits, queries, blocks * indexPartitions, encodedAcc.value(), results, loads.value(),
                count / Math.max(seconds, 1e-9), lat.p50(), lat.p95());
    }
}
