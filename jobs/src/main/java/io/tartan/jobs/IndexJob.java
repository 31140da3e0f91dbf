package io.tartan.jobs;

import io.tartan.encoders.TokenEncoder;
import io.tartan.format.BuildCommit;
import io.tartan.format.bm25.TextAnalysis;
import io.tartan.format.IndexLayout;
import io.tartan.format.codec.CentroidCodes;
import io.tartan.format.codec.CodecFile;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.codec.ResidualPacking;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.kernel.VectorApi;
import io.tartan.format.kmeans.AssignmentAgreement;
import io.tartan.format.kmeans.BruteForceAssigner;
import io.tartan.format.kmeans.CentroidAssigner;
import io.tartan.format.kmeans.ColbertSizing;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.jobs.input.CorpusReader;
import io.tartan.jobs.input.CorpusReaders;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.SourceDoc;
import io.tartan.jobs.pool.TokenPooler;
import io.tartan.jobs.stage.ConsecutivePartitions;
import io.tartan.jobs.stage.DistributedKMeans;
import io.tartan.jobs.stage.GroupedKMeans;
import io.tartan.jobs.stage.EncodeResources;
import io.tartan.jobs.stage.EncodedDoc;
import io.tartan.jobs.stage.EncoderSpec;
import io.tartan.jobs.stage.InputCounts;
import io.tartan.jobs.stage.InputValidation;
import io.tartan.jobs.stage.KMeansSample;
import io.tartan.jobs.stage.KernelUsage;
import io.tartan.jobs.stage.MemoryPeaks;
import io.tartan.jobs.stage.PidRangePartitioner;
import io.tartan.jobs.stage.PointBlock;
import io.tartan.jobs.stage.PointDraw;
import io.tartan.jobs.stage.RejectedOutput;
import io.tartan.jobs.stage.ShardBuilder;
import io.tartan.jobs.stage.ShardPlan;
import io.tartan.jobs.stage.ShardResult;
import io.tartan.jobs.stage.SampleEncoding;
import io.tartan.jobs.stage.StageClock;
import io.tartan.jobs.stage.TaskProgress;
import io.tartan.query.cli.HadoopOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Builds an index from a corpus: {@code spark-submit --class io.tartan.jobs.IndexJob tartan-jobs.jar --input URI
 * --output URI [--nbits 2] [--conf FILE] [--key value ...]} (settings: {@link IndexConfig}); Hadoop/S3A settings
 * come as {@code --conf KEY=VALUE} and {@code --hadoop-conf-file FILE} ({@link HadoopOptions}).
 *
 * <ol>
 *   <li>read and validate: every input row becomes a document or a reject (written to {@code _rejected/});</li>
 *   <li>dense pids in input order; documents range-partitioned into shards by pid;</li>
 *   <li>pass 1: encode the k-means sample (kept for pass 2), choose k, distributed k-means, train the codec;</li>
 *   <li>pass 2, one task per shard: vectors (reused or encoded once), centroids, residuals, a Parquet shard and the
 *       shard's IVF piece;</li>
 *   <li>with {@code pool_factor} > 1, every document's vectors are pooled right after encoding ({@link TokenPooler}),
 *       in pass 1 as in pass 2: k-means, the codec and the shards see the vectors the index stores;</li>
 *   <li>commit: codec and IVF files, then the manifest, last; then the build summary next to it.</li>
 * </ol>
 * A run that fails before the commit leaves no visible index, only orphan files for garbage collection.
 */
public final class IndexJob {
    private static final Logger LOG = LoggerFactory.getLogger(IndexJob.class);

    private IndexJob() {
    }

    public static void main(String[] args) {
        int rc = cli(args);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    /**
     * Runs the command line on the Spark context spark-submit configured (stopped at the end) and returns the exit
     * code: 0, 1 when the build failed, 2 for bad arguments.
     */
    public static int cli(String... args) {
        IndexConfig cfg;
        HadoopOptions hadoop;
        try {
            List<String> rest = new ArrayList<>(Arrays.asList(args));
            hadoop = HadoopOptions.takeFrom(rest);
            cfg = IndexConfig.parse(rest.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println("tartan index: " + e.getMessage());
            return 2;
        }
        SparkSession spark = SparkSession.builder().appName("tartan index " + cfg.output()).getOrCreate();
        int rc = 0;
        try {
            hadoop.applyTo(spark.sparkContext().hadoopConfiguration());
            BuildSummary s = run(JavaSparkContext.fromSparkContext(spark.sparkContext()), cfg);
            System.out.println(s.toJson());
        } catch (IndexJobException | IllegalArgumentException e) {
            LOG.error("tartan index failed: {}", e.getMessage());
            System.err.println("tartan index: " + e.getMessage());
            rc = 1;
        } finally {
            spark.stop();
        }
        return rc;
    }

    /** Runs the job on an existing Spark context (tests, notebooks, other drivers). */
    public static BuildSummary run(JavaSparkContext sc, IndexConfig cfg) {
        Configuration conf = sc.hadoopConfiguration();
        IndexLayout layout = new IndexLayout(cfg.output());
        ManifestStore store = new ManifestStore(conf, layout);
        if (store.latestVersion().isPresent()) {
            throw new IndexJobException(cfg.output() + " already holds an index (version "
                    + store.latestVersion().getAsLong() + "): use `tartan update` to change it, or choose another "
                    + "--output");
        }
        TaskProgress progress = new TaskProgress();
        sc.sc().addSparkListener(progress);
        MemoryPeaks memory = new MemoryPeaks();
        sc.sc().addSparkListener(memory);
        try {
            return new IndexJob.Build(sc, cfg, conf, layout, memory).run();
        } finally {
            sc.sc().removeSparkListener(progress);
            sc.sc().removeSparkListener(memory);
            memory.close();
            sc.setJobDescription(null);
        }
    }

    /** One run's state; the stages in order. */
    private static final class Build {
        private final JavaSparkContext sc;
        private final IndexConfig cfg;
        private final Configuration conf;
        private final IndexLayout layout;
        private final HadoopConf hc;
        private final StageClock clock = new StageClock(LOG);
        private final List<JavaRDD<?>> cached = new ArrayList<>();
        private final MemoryPeaks memory;

        Build(JavaSparkContext sc, IndexConfig cfg, Configuration conf, IndexLayout layout, MemoryPeaks memory) {
            this.memory = memory;
            this.sc = sc;
            this.cfg = cfg;
            this.conf = conf;
            this.layout = layout;
            this.hc = new HadoopConf(conf);
        }

        BuildSummary run() {
            try {
                return stages();
            } finally {
                cached.forEach(r -> r.unpersist(false));
            }
        }

        private BuildSummary stages() {
            CorpusReader reader = CorpusReaders.open(cfg, conf);
            boolean text = !reader.precomputed();
            if (!text && cfg.textAnalysisProfile() != TextAnalysis.ENGLISH) {
                // a metadata-only text index analyzes nothing; silently dropping the choice would hide a mistake
                throw new IndexJobException("text_analysis " + cfg.textAnalysis() + " needs text input, but "
                        + cfg.input() + " holds precomputed vectors (no text, so no BM25 index)");
            }
            EncoderSpec spec = new EncoderSpec(cfg.modelConfig(), cfg.docMaxlen(), cfg.encoderDevice(),
                    Math.max(1, cfg.encoderThreads()), cfg.encoderBatchSize());
            TokenPooler pooler = new TokenPooler(cfg.poolFactor());

            // read and validate
            sc.setJobDescription("read and validate " + cfg.input());
            InputValidation.Result in = clock.time("read", () -> InputValidation.run(sc, reader));
            cached.add(in.rows());
            InputCounts counts = in.counts();
            String rejectedDir = RejectedOutput.write(in.rejected(), counts.rejectedTotal(), cfg.output(), conf);
            clock.done("read", "rows", counts.rows(), counts.valid() + " documents, " + counts.rejectedTotal()
                    + " rejected " + counts.rejectedByKind() + (rejectedDir == null ? "" : " (see " + rejectedDir + ")"));
            checkRejects(counts, rejectedDir);

            // settings the index records
            Encoding enc = text ? Encoding.of(spec.open(), cfg) : Encoding.precomputed(in.dim(), cfg);
            int dim = enc.dim;
            if (cfg.dim() > 0 && cfg.dim() != dim) {
                throw new IndexJobException("dim " + cfg.dim() + " was asked for but the "
                        + (text ? "encoder gives " : "vectors are ") + dim + " wide");
            }
            try {
                ResidualPacking.requireSupported(dim, cfg.nbits());
            } catch (IllegalArgumentException e) {
                throw new IndexJobException(e.getMessage());
            }

            // pids and shards
            long nDocs = counts.valid();
            // shards and pass-1 ranges are sized by what is stored
            long storedEstimate = counts.estimatedTokens() / cfg.poolFactor();
            int shards = ShardPlan.shards(nDocs, storedEstimate, dim, cfg.nbits(), 1 << 16,
                    cfg.shardTargetMb(), cfg.minShards() > 0 ? cfg.minShards() : sc.defaultParallelism());
            long sampleTarget = cfg.sampleDocs() > 0 ? Math.min(cfg.sampleDocs(), nDocs)
                    : cfg.sampleFraction() > 0 ? (long) Math.ceil(cfg.sampleFraction() * nDocs)
                    : ColbertSizing.sampleDocs(nDocs);
            double share = sampleTarget >= nDocs ? 1.0 : sampleTarget / (double) nDocs;
            // pass 1 runs on `per` pid ranges a shard: a shard's sample vectors can be gigabytes (shard_target_mb
            // of compressed codes is ~15x that in floats), and one task caching them ran the heap out at 4x
            int per = ShardPlan.rangesPerShard(storedEstimate * share, dim, shards, cfg.samplePartitionMb());
            int ranges = shards * per;
            sc.setJobDescription("number documents");
            JavaPairRDD<Long, SourceDoc> docsByPid = in.valid().zipWithIndex()
                    .mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                    .repartitionAndSortWithinPartitions(new PidRangePartitioner(ranges, nDocs))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            cached.add(docsByPid.rdd().toJavaRDD());

            // pass 1: the k-means sample
            long seed = cfg.seed();
            LongAccumulator encodedAcc = sc.sc().longAccumulator("documents encoded");
            // encode stages ask for a GPU each with encoder_device gpu on a cluster; no other stage holds one
            String encodeDevice = text ? cfg.encoderDevice() : "cpu";
            JavaRDD<EncodedDoc> sample = EncodeResources.forEncodeStage(
                    SampleEncoding.encode(docsByPid, spec, pooler, hc, share, seed, encodedAcc), encodeDevice);
            if (sample.getResourceProfile() != null) {
                // Spark gives a stage the profiles of every RDD back to the last shuffle: without one here, k-means
                // over the encoded sample would hold GPUs too. The sorting shuffle keeps the ranges' pid order that
                // pass 2 zips against.
                sample = sample.mapToPair(d -> new Tuple2<>(d.pid(), d))
                        .repartitionAndSortWithinPartitions(new PidRangePartitioner(ranges, nDocs)).values();
            }
            if (text) {
                // kept so pass 2 never encodes a sample document again; on local disk, not in the heap, where the
                // k-means points copied from it need the room (each is read twice: k-means points, then pass 2)
                sample = sample.persist(StorageLevel.DISK_ONLY());
                cached.add(sample);
            }
            JavaRDD<EncodedDoc> sampleF = sample;
            sc.setJobDescription("pass 1: encode the k-means sample");
            Tuple2<Long, Long> sampled = clock.time("sample", () -> text
                    ? sampleF.map(d -> new Tuple2<>(1L, (long) (d.vectors().length / dim))).fold(ZERO, IndexJob::add)
                    : docsByPid.filter(t -> KMeansSample.docInSample(t._1(), share, seed))
                            .map(t -> new Tuple2<>(1L, (long) pooler.clusters(t._2().ntokens())))
                            .fold(ZERO, IndexJob::add));
            if (sampled._1() == 0) {
                throw new IndexJobException("the k-means sample is empty (" + sampleTarget + " of " + nDocs
                        + " documents asked for); raise sample_docs");
            }
            long estTokens = Math.round(sampled._2() / (double) sampled._1() * nDocs);
            int k = cfg.ncentroids() > 0 ? cfg.ncentroids() : ColbertSizing.numCentroids(estTokens);
            clock.done("sample", "documents", sampled._1(), sampled._2() + " tokens; ~" + estTokens
                    + " tokens in the corpus → k = " + k);

            // pass 1: k-means
            long cap = (long) k * cfg.kmeansMaxPointsPerCentroid();
            double keep = sampled._2() <= cap ? 1.0 : cap / (double) sampled._2();
            // on local disk, read back from the page cache each pass: the heap holds one block a task, whatever the
            // corpus. Deserialized blocks ran a 4 GB driver out of heap on SciFact; serialized ones
            // (MEMORY_AND_DISK_SER) at 4x the synthetic set: Spark stores them in 1 MiB chunks, each a G1 humongous
            // object taking a whole 2 MiB region, so the heap held twice the bytes Spark accounted for
            JavaRDD<PointBlock> stored = KMeansSample.pointsAndHeldout(sample, dim, keep, seed)
                    .persist(StorageLevel.DISK_ONLY());
            cached.add(stored);
            JavaRDD<PointBlock> blocks = stored.filter(b -> !b.heldout());
            // the pass that stores the points also draws the codec's held-out sample and the coarse sample of
            // grouped k-means: each was another read of every sample vector
            int groups = DistributedKMeans.groups(k, cfg);
            double heldoutEstimate = sampled._2() * KMeansSample.HELDOUT_SHARE;
            double trainingEstimate = (sampled._2() - heldoutEstimate) * Math.min(1.0, keep);
            List<PointDraw.Want> wants = new ArrayList<>();
            wants.add(new PointDraw.Want(true, DistributedKMeans.codecSampleSeed(seed), cfg.codecSampleTokens(),
                    heldoutEstimate));
            if (groups > 1) {
                wants.add(new PointDraw.Want(false, GroupedKMeans.coarseSampleSeed(seed),
                        GroupedKMeans.coarseSampleSize(Long.MAX_VALUE, groups), trainingEstimate));
            }
            sc.setJobDescription("pass 1: k-means training points");
            PointDraw.Result drawn = clock.time("kmeans", () -> PointDraw.run(stored, dim, wants));
            long points = drawn.trainingPoints();
            if (points < k) {
                int smaller = Integer.highestOneBit((int) Math.min(points, Integer.MAX_VALUE));
                LOG.warn("only {} training points for {} centroids: using k = {}", points, k, smaller);
                k = smaller;
            }
            int kF = k;
            // a smaller k can mean other groups: then the coarse sample is drawn again for them
            float[] coarse = groups > 1 && DistributedKMeans.groups(k, cfg) == groups ? drawn.samples().get(1) : null;
            sc.setJobDescription("pass 1: k-means");
            DistributedKMeans.Result km = clock.time("kmeans", () -> DistributedKMeans.fit(sc, blocks, points, dim, kF,
                    cfg, coarse));
            int refine = DistributedKMeans.refineNiters(kF, cfg);
            clock.done("kmeans", "points", points, cfg.kmeansNiters() + " iterations" + (refine > 0 ? " + " + refine
                    + " flat" : "") + ", k = " + k + ", mean cosine " + km.scores());

            // pass 1: codec
            sc.setJobDescription("pass 1: codec sample");
            CentroidAssigner assigner = DistributedKMeans.assigner(km.centroids(), dim, cfg, seed);
            float[] held = drawn.samples().get(0) != null ? drawn.samples().get(0)
                    : clock.time("codec", () -> DistributedKMeans.sample(stored.filter(PointBlock::heldout),
                            drawn.heldoutPoints(), dim, cfg.codecSampleTokens(), seed));
            // a corpus too small to hold tokens out trains the codec on k-means points instead
            float[] codecSample = held.length > 0 ? held : clock.time("codec", () -> DistributedKMeans.sample(blocks,
                    points, dim, cfg.codecSampleTokens(), seed));
            // the agreement check's brute force runs next to the training: the cores are idle otherwise
            CompletableFuture<Double> exact = CompletableFuture.supplyAsync(() -> agreement(assigner, codecSample,
                    dim));
            ResidualCodec codec = clock.time("codec", () -> {
                ResidualCodec trained = ResidualCodec.train(dim, cfg.nbits(), km.centroids(), codecSample,
                        assigner.assign(codecSample));
                // compress with exactly what readers will decode
                return CodecFile.read(CodecFile.write(trained), "trained codec");
            });
            double exactShare = clock.time("codec", exact::join);
            clock.done("codec", "tokens", codecSample.length / dim, (held.length > 0 ? "held-out" : "training")
                    + " tokens; two-level assignment exact for "
                    + String.format("%.3f", exactShare) + " of sampled tokens");
            stored.unpersist(false);

            // pass 2; precomputed vectors come without text: their text indexes hold metadata only
            String textIndex = text ? IndexSettings.TEXT_BM25 : IndexSettings.TEXT_METADATA;
            Broadcast<byte[]> codecB = sc.broadcast(CodecFile.write(codec));
            Broadcast<CentroidAssigner> assignerB = sc.broadcast(assigner);
            ShardBuilder.Context ctx = new ShardBuilder.Context(hc, cfg.output(), dim, cfg.nbits(), k,
                    CentroidCodes.width(k), spec, pooler, codecB, assignerB, textIndex, cfg.textAnalysisProfile());
            // one task a shard, each over its run of consecutive pass-1 ranges
            JavaPairRDD<Long, SourceDoc> shardDocs = ConsecutivePartitions.join(docsByPid, per);
            JavaRDD<ShardResult> built = text
                    ? EncodeResources.forEncodeStage(shardDocs.zipPartitions(ConsecutivePartitions.join(sample, per),
                            (d, s) -> ShardBuilder.build(TaskContext.getPartitionId(), d, s, ctx)), encodeDevice)
                    : shardDocs.mapPartitionsWithIndex((i, d) -> ShardBuilder.build(i, d,
                            Collections.<EncodedDoc>emptyIterator(), ctx), false);
            sc.setJobDescription("pass 2: encode, assign, compress, write " + shards + " shards");
            List<ShardResult> results = new ArrayList<>(clock.time("pass2", built::collect));
            results.sort(Comparator.comparingInt(ShardResult::partition));
            long tokens = results.stream().mapToLong(ShardResult::tokens).sum();
            clock.done("pass2", "tokens", tokens, results.size() + " shards, " + nDocs + " documents");
            warnIfScalar(KernelUsage.of(results));
            codecB.destroy();
            assignerB.destroy();

            // commit
            List<DataFile> shardFiles = results.stream().map(ShardResult::shard).toList();
            List<DataFile> ivfFiles = results.stream().map(ShardResult::ivf).toList();
            List<DataFile> textFiles = results.stream().map(ShardResult::textIndex).toList();
            IndexSettings settings = new IndexSettings(dim, cfg.nbits(), k, enc.docMaxlen, enc.queryMaxlen,
                    enc.encoderId, enc.checksum, IndexSettings.MAXSIM_COSINE, textIndex).withPoolFactor(cfg.poolFactor())
                    .withTextAnalysis(cfg.textAnalysisProfile());
            Manifest m = clock.time("commit", () -> BuildCommit.commit(conf, layout, settings, codec, shardFiles,
                    textFiles, ivfFiles, properties(reader)));
            LOG.info("committed {} (version {}, snapshot {})", layout.manifest(m.version()), m.version(),
                    m.snapshotId());

            BuildSummary summary = summary(reader, m, counts, rejectedDir, shards, sampled._1(), points, km,
                    exactShare, encodedAcc.value(), results);
            IndexFiles.writeNew(conf, layout.summary(m.version()), summary.toJson().getBytes(StandardCharsets.UTF_8));
            LOG.info("built {}: {} documents, {} tokens stored of {} ({} B/token, {} B/input token), {} rejected, {} s",
                    cfg.output(), summary.documents(), summary.storedTokens(), summary.inputTokens(),
                    String.format("%.1f", summary.bytesPerToken()), String.format("%.1f",
                    summary.bytesPerInputToken()), summary.rejected(), String.format("%.1f",
                    summary.seconds().get("total")));
            return summary;
        }

        private static void warnIfScalar(KernelUsage used) {
            Map<String, String> scalar = used.scalarExecutors();
            if (!scalar.isEmpty()) {
                LOG.warn("executors {} ran the scalar kernel fallback (driver: {}): add `{}` to "
                        + "spark.executor.extraJavaOptions", scalar.keySet(), used.driver(), VectorApi.JVM_OPTION);
            }
        }

        private void checkRejects(InputCounts counts, String rejectedDir) {
            String see = rejectedDir == null ? "" : "; see " + rejectedDir;
            if (counts.valid() == 0) {
                throw new IndexJobException("no valid document in " + cfg.input() + " (" + counts.rows() + " rows, "
                        + counts.rejectedTotal() + " rejected " + counts.rejectedByKind() + see + "); no index written");
            }
            double share = counts.rejectedTotal() / (double) counts.rows();
            if (share > cfg.maxRejectFraction()) {
                throw new IndexJobException(counts.rejectedTotal() + " of " + counts.rows() + " rows rejected ("
                        + String.format("%.1f%%", 100 * share) + ", more than max_reject_fraction "
                        + cfg.maxRejectFraction() + ") " + counts.rejectedByKind() + see + "; no index written");
            }
        }

        private MemoryPeaks.Summary memoryPeaks() {
            try {
                // task-end events reach listeners asynchronously
                sc.sc().listenerBus().waitUntilEmpty(30_000);
            } catch (java.util.concurrent.TimeoutException e) {
                LOG.warn("Spark's listener bus did not drain in 30 s: task memory figures may miss the last tasks");
            }
            return memory.summary();
        }

        private double agreement(CentroidAssigner assigner, float[] sample, int dim) {
            if (assigner instanceof BruteForceAssigner || cfg.agreementSampleTokens() == 0) {
                return 1.0;
            }
            int n = Math.min(sample.length / dim, cfg.agreementSampleTokens());
            return AssignmentAgreement.measure(assigner, Arrays.copyOf(sample, n * dim)).exactShare();
        }

        private Map<String, String> properties(CorpusReader reader) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("build.tool", "tartan IndexJob");
            p.put("build.input", cfg.input());
            p.put("build.format", reader.format());
            p.put("build.seed", Long.toString(cfg.seed()));
            p.put("build.kmeans_niters", Integer.toString(cfg.kmeansNiters()));
            p.put("build.kmeans_groups", Integer.toString(cfg.kmeansGroups()));
            p.put("build.kmeans_refine_niters", Integer.toString(cfg.kmeansRefineNiters()));
            p.put("build.pool_factor", Integer.toString(cfg.poolFactor()));
            p.put("build.text_analysis", cfg.textAnalysisProfile().id());
            p.put("build.spark_master", sc.master());
            return p;
        }

        private BuildSummary summary(CorpusReader reader, Manifest m, InputCounts counts, String rejectedDir,
                int shards, long sampleDocs, long points, DistributedKMeans.Result km, double exactShare,
                long encodedDocs, List<ShardResult> results) {
            Map<String, Double> task = new LinkedHashMap<>();
            task.put("encode", results.stream().mapToDouble(ShardResult::encodeSeconds).sum());
            task.put("pool", results.stream().mapToDouble(ShardResult::poolSeconds).sum());
            task.put("assign", results.stream().mapToDouble(ShardResult::assignSeconds).sum());
            task.put("compress", results.stream().mapToDouble(ShardResult::compressSeconds).sum());
            task.put("write", results.stream().mapToDouble(ShardResult::writeSeconds).sum());
            long tokens = m.summary().tokens();
            long inputTokens = results.stream().mapToLong(ShardResult::inputTokens).sum();
            long encoded = encodedDocs + results.stream().mapToLong(ShardResult::encodedDocs).sum();
            return new BuildSummary(cfg.output(), cfg.input(), reader.format(), m.version(), m.snapshotId(),
                    counts.rows(), m.summary().liveDocuments(), counts.rejectedTotal(), counts.rejectedByKind(),
                    rejectedDir, tokens, m.summary().totalBytes(), vectorBytes(m) / (double) tokens, cfg.poolFactor(),
                    inputTokens, tokens, vectorBytes(m) / (double) inputTokens,
                    m.settings().dim(), m.settings().nbits(), m.settings().numCentroids(), shards, sampleDocs, points,
                    km.scores(), km.reseeded(), exactShare, reader.precomputed() ? 0 : encoded,
                    results.stream().mapToLong(ShardResult::reusedDocs).sum(), clock.seconds(), task,
                    KernelUsage.of(results), memoryPeaks());
        }
    }

    /** Bytes of the vector index (codec, shards, IVF): what B/token measures; text indexes are reported apart. */
    static long vectorBytes(Manifest m) {
        return m.summary().totalBytes() - m.textIndexes().stream().mapToLong(DataFile::sizeBytes).sum();
    }

    private static final Tuple2<Long, Long> ZERO = new Tuple2<>(0L, 0L);

    private static Tuple2<Long, Long> add(Tuple2<Long, Long> a, Tuple2<Long, Long> b) {
        return new Tuple2<>(a._1() + b._1(), a._2() + b._2());
    }

    /** The encoder fields of the index settings. */
    private record Encoding(int dim, int docMaxlen, int queryMaxlen, String encoderId, String checksum) {
        static Encoding of(TokenEncoder e, IndexConfig cfg) {
            return new Encoding(e.dim(), e.docMaxlen(), cfg.queryMaxlen() > 0 ? cfg.queryMaxlen() : e.queryMaxlen(),
                    e.encoderId(), e.checksum());
        }

        static Encoding precomputed(int dim, IndexConfig cfg) {
            return new Encoding(dim, cfg.docMaxlen(), cfg.queryMaxlen() > 0 ? cfg.queryMaxlen() : 32, cfg.encoderId(),
                    null);
        }
    }
}
