package io.tartan.jobs;

import io.tartan.encoders.TokenEncoder;
import io.tartan.format.IndexLayout;
import io.tartan.format.codec.CodecFile;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.kmeans.CentroidAssigner;
import io.tartan.format.manifest.CommitConflictException;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.bm25.TextAnalysis;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.snapshot.SnapshotTransaction;
import io.tartan.jobs.input.CorpusReader;
import io.tartan.jobs.input.CorpusReaders;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.SourceDoc;
import io.tartan.jobs.maintenance.MaintenanceCli;
import io.tartan.jobs.stage.DistributedKMeans;
import io.tartan.jobs.stage.EncodedDoc;
import io.tartan.jobs.pool.TokenPooler;
import io.tartan.jobs.stage.EncoderSpec;
import io.tartan.jobs.stage.InputCounts;
import io.tartan.jobs.stage.InputValidation;
import io.tartan.jobs.stage.PidRangePartitioner;
import io.tartan.jobs.stage.RejectedOutput;
import io.tartan.jobs.stage.SampleEncoding;
import io.tartan.jobs.stage.ShardBuilder;
import io.tartan.jobs.stage.ShardPlan;
import io.tartan.jobs.stage.ShardResult;
import io.tartan.jobs.stage.StageClock;
import io.tartan.jobs.update.AppliedBatch;
import io.tartan.jobs.update.BatchIds;
import io.tartan.jobs.update.ChangeHistory;
import io.tartan.jobs.update.DeleteList;
import io.tartan.jobs.update.DriftReport;
import io.tartan.jobs.update.RebuildInPlace;
import io.tartan.jobs.update.ResidualDrift;
import io.tartan.jobs.update.UpdateSummary;
import io.tartan.query.cli.HadoopOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import scala.Tuple2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code tartan update} (spark-submit main): applies upserts and deletes to an index as one new snapshot, with the
 * index's <b>frozen codec</b> (ColBERT's IndexUpdater: new documents are assigned to the existing centroids).
 *
 * <ol>
 *   <li>read and validate the upserts exactly as a build does (rejects to {@code _rejected/});</li>
 *   <li>find the live pids of the upserted ids (replacements) and of the {@code --delete} ids;</li>
 *   <li>new pids from the base snapshot's {@code next-pid}; encode a sample and measure the drift from the codec;</li>
 *   <li>pass 2 of the build ({@link ShardBuilder}) with the frozen codec: new shards, each with its IVF delta;</li>
 *   <li>commit through {@link SnapshotTransaction}: shards and IVF deltas added, old pids in a deletion vector.</li>
 * </ol>
 * Nothing is visible before the commit. A run that loses the commit race to another writer looks its ids up again in
 * the winning snapshot and commits on top of it ({@link BatchIds}); when it cannot (the winner allocated the same new
 * pids) it fails and leaves only orphan files, which {@code tartan expire} collects. A batch already applied (same
 * {@code --batch-id}, or the same input files) is skipped, so a scheduled run can simply be repeated after a failure.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Add, replace and delete documents of a Tartan index with its frozen codec.")
public final class UpdateJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateJob.class);

    @Option(names = "--index", required = true, description = "index URI (local path, file:, s3a:)")
    String index;

    /** Set on the Spark context's Hadoop configuration when the job runs. */
    @Mixin
    HadoopOptions hadoop = new HadoopOptions();

    @Option(names = "--upsert", description = "documents to add or replace (file or directory, as `tartan index "
            + "--input`); an id already in the index replaces that document")
    String upsert;

    @Option(names = {"--text-analysis", "--text_analysis"}, description = "OPTIONAL check: the BM25 text analysis "
            + "the caller expects (english, english-minimal). Updates always analyze with the index's own; asking for "
            + "another is an error, since one index never mixes two")
    String textAnalysis;

    @Option(names = "--delete", description = "file of document ids to delete, one per line (# comments)")
    String delete;

    @Option(names = "--format", defaultValue = "auto", description = "upsert format: auto, jsonl, parquet, npy, "
            + "parquet-vectors (default ${DEFAULT-VALUE})")
    String format;

    @Option(names = {"--model-config", "--model_config"}, defaultValue = "",
            description = "encoder model config; must be the encoder the index was built with (default: bundled)")
    String modelConfig;

    @Option(names = {"--encoder-device", "--encoder_device"}, defaultValue = "cpu")
    String encoderDevice;

    @Option(names = {"--encoder-threads", "--encoder_threads"}, defaultValue = "0")
    int encoderThreads;

    @Option(names = {"--encoder-batch-size", "--encoder_batch_size"}, defaultValue = "8")
    int encoderBatchSize;

    @Option(names = {"--shard-target-mb", "--shard_target_mb"}, defaultValue = "128")
    double shardTargetMb;

    @Option(names = {"--min-shards", "--min_shards"}, defaultValue = "0",
            description = "at least this many new shards (0 = Spark's default parallelism)")
    int minShards;

    @Option(names = {"--max-reject-fraction", "--max_reject_fraction"}, defaultValue = "0.05")
    double maxRejectFraction;

    @Option(names = {"--batch-id", "--batch_id"}, description = "id of this batch: a batch already applied is "
            + "skipped (default: a fingerprint of the input files)")
    String batchId;

    @Option(names = {"--drift-threshold", "--drift_threshold"}, defaultValue = "0.05",
            description = "recommend a full rebuild when more than this share of the documents changed since the "
                    + "last build (ColBERT's rule of thumb, default ${DEFAULT-VALUE})")
    double driftThreshold;

    @Option(names = {"--max-far-residual-share", "--max_far_residual_share"}, defaultValue = "0.05",
            description = "... or when more than this share of new tokens is far from every centroid")
    double maxFarShare;

    // Indexes built before the codec trained on held-out tokens have an avg_residual taken on the tokens the
    // centroids were fitted to, against which even new documents like the corpus measure +28% (SciFact abstracts,
    // docs/bench/updates.md); 0.5 leaves room for such indexes too.
    @Option(names = {"--max-residual-change", "--max_residual_change"}, defaultValue = "0.5",
            description = "... or when the new tokens' mean residual exceeds the codec's by more than this share "
                    + "(default ${DEFAULT-VALUE})")
    double maxResidualChange;

    @Option(names = {"--far-residual-factor", "--far_residual_factor"}, defaultValue = "2",
            description = "a token is far when its mean |residual| exceeds this multiple of the codec's")
    double farFactor;

    @Option(names = {"--drift-sample-docs", "--drift_sample_docs"}, defaultValue = "2000",
            description = "upserted documents the residual drift is measured on (all when fewer)")
    long driftSampleDocs;

    @Option(names = {"--rebuild-if-drift", "--rebuild_if_drift"},
            description = "rebuild the index from --corpus instead of updating when a rebuild is recommended")
    boolean rebuildIfDrift;

    @Option(names = "--corpus", description = "the whole current corpus, for --rebuild-if-drift")
    String corpus;

    @Option(names = "--seed", defaultValue = "123")
    long seed;

    /** Failure injection for crash tests: throw after the new files are written, before the commit. */
    @Option(names = "--fail-before-commit", hidden = true)
    boolean failBeforeCommit;

    private Runnable beforeCommit = () -> { };

    public static void main(String[] args) {
        System.exit(MaintenanceCli.execute(new UpdateJob(), args));
    }

    /**
     * Runs {@code hook} after every new file is written and before the commit: lets a test (or a coordinating
     * driver) put a concurrent commit exactly between the two.
     */
    public UpdateJob beforeCommit(Runnable hook) {
        this.beforeCommit = hook;
        return this;
    }

    /** A job configured from command-line arguments, for callers that bring their own Spark context. */
    public static UpdateJob parse(String... args) {
        return MaintenanceCli.parse(new UpdateJob(), args);
    }

    /**
     * Fails unless {@code asked} is the index's text analysis: documents analyzed another way would get BM25 terms
     * that the index's queries never match (FORMAT.md section 11).
     */
    static void requireSameTextAnalysis(IndexSettings settings, TextAnalysis asked) {
        TextAnalysis has = settings.textAnalysisOrDefault();
        if (asked != has) {
            throw new IndexJobException("the index's text analysis is " + has + "; an update keeps it and cannot "
                    + "switch to " + asked + " (one index never mixes two): rebuild the index with `tartan index "
                    + "--text-analysis " + asked + "` instead; nothing was written");
        }
    }

    @Override
    public Integer call() {
        return MaintenanceCli.inSpark("tartan update " + index, jsc -> run(jsc).toJson());
    }

    public UpdateSummary run(JavaSparkContext sc) {
        if (upsert == null && delete == null) {
            throw new IllegalArgumentException("give --upsert and/or --delete");
        }
        if (rebuildIfDrift && corpus == null) {
            throw new IllegalArgumentException("--rebuild-if-drift needs --corpus URI (the whole current corpus)");
        }
        TextAnalysis asked = textAnalysis == null ? null : TextAnalysis.of(textAnalysis);
        hadoop.applyTo(sc.hadoopConfiguration());
        Run r = new Run(sc);
        if (asked != null) {
            requireSameTextAnalysis(r.store.readLatest().settings(), asked);
        }
        try {
            return r.run();
        } finally {
            r.cached.forEach(rdd -> rdd.unpersist(false));
            sc.setJobDescription(null);
        }
    }

    /** One run's state; the stages in order. */
    private final class Run {
        private final JavaSparkContext sc;
        private final Configuration conf;
        private final IndexLayout layout;
        private final ManifestStore store;
        private final HadoopConf hc;
        private final StageClock clock = new StageClock(LOG);
        private final List<JavaRDD<?>> cached = new ArrayList<>();

        Run(JavaSparkContext sc) {
            this.sc = sc;
            this.conf = sc.hadoopConfiguration();
            this.layout = new IndexLayout(index);
            this.store = new ManifestStore(conf, layout);
            this.hc = new HadoopConf(conf);
        }

        UpdateSummary run() {
            Manifest base = store.readLatest();
            String batch = batchId != null ? batchId : AppliedBatch.fingerprint(conf, upsert, delete);
            OptionalLong applied = AppliedBatch.find(store, base, batch);
            if (applied.isPresent()) {
                LOG.info("batch {} was applied in version {}; nothing to do", batch, applied.getAsLong());
                return summary(base, base, "already-applied", batch, null, 0, 0, 0, 0, 0, 0, null, null, null, 0,
                        0);
            }
            IndexSettings settings = base.settings();
            DataFile cf = base.codec();
            ResidualCodec codec = CodecFile.read(IndexFiles.readVerified(conf, layout.resolve(cf.path()),
                    cf.sizeBytes(), cf.checksum()), layout.resolve(cf.path()).toString());

            // read and validate the upserts
            IndexConfig cfg = upsert == null ? null : config(settings);
            InputValidation.Result in = null;
            CorpusReader reader = null;
            EncoderSpec spec = null;
            String rejectedDir = null;
            Set<String> upsertIds = new HashSet<>();
            if (cfg != null) {
                reader = CorpusReaders.open(cfg, conf);
                spec = new EncoderSpec(cfg.modelConfig(), settings.docMaxlen(), cfg.encoderDevice(),
                        Math.max(1, cfg.encoderThreads()), cfg.encoderBatchSize());
                requireSameEncoder(reader, spec, settings);
                sc.setJobDescription("update: read and validate " + upsert);
                CorpusReader rd = reader;
                in = clock.time("read", () -> InputValidation.run(sc, rd));
                cached.add(in.rows());
                if (reader.precomputed() && settings.hasText()) {
                    throw new IndexJobException(upsert + ": precomputed vectors carry no text, but the index keeps a "
                            + "BM25 text index of every document; update it with text documents");
                }
                if (reader.precomputed() && in.dim() != 0 && in.dim() != settings.dim()) {
                    throw new IndexJobException(upsert + ": vectors are " + in.dim() + " wide, the index has dim "
                            + settings.dim());
                }
                InputCounts counts = in.counts();
                rejectedDir = RejectedOutput.write(in.rejected(), counts.rejectedTotal(), index, conf);
                checkRejects(counts, rejectedDir);
                upsertIds.addAll(in.valid().map(SourceDoc::id).collect());
                clock.done("read", "rows", counts.rows(), counts.valid() + " documents, " + counts.rejectedTotal()
                        + " rejected " + counts.rejectedByKind());
            }

            // old pids: replaced documents and deletes (resolved again against the winner if the commit loses a race)
            Set<String> deleteIds = delete == null ? Set.of() : DeleteList.read(conf, delete);
            BatchIds ids = new BatchIds(sc, store, index, batch, upsertIds, deleteIds);
            sc.setJobDescription("update: find the live pids of " + ids.size() + " ids");
            BatchIds.Resolution resolved = clock.time("lookup", () -> ids.resolveAgainst(base));
            long replaced = resolved.replaced();
            long deletedIds = resolved.deleted();
            long unknown = resolved.unknown();
            int[] oldPids = resolved.oldPids();
            clock.done("lookup", "ids", ids.size(), replaced + " replaced, " + deletedIds + " deleted, " + unknown
                    + " delete ids not in the index");
            if (unknown > 0) {
                LOG.warn("{} id(s) of {} are not live in version {} (already deleted, or never indexed)", unknown,
                        delete, base.version());
            }
            ChangeHistory history = resolved.history();

            long nDocs = upsertIds.size();
            SnapshotTransaction tx = SnapshotTransaction.on(conf, store, base, ids.operation());
            String rebuild = null;
            long tokens = 0;
            long inputTokens = 0;
            int shards = 0;
            Upserts up = nDocs > 0 ? prepare(base, codec, cfg, spec, in, !reader.precomputed(), nDocs, history) : null;
            DriftReport drift = up != null ? up.drift : DriftReport.of(new ResidualDrift(settings.dim()),
                    ResidualDrift.codecAvgAbsResidual(codec), history, thresholds());
            if (drift.rebuildRecommended()) {
                LOG.warn("full rebuild recommended: {}", String.join("; ", drift.reasons()));
                if (rebuildIfDrift) {
                    if (failBeforeCommit) {
                        throw new IllegalStateException("injected failure before the rebuild (--fail-before-commit)");
                    }
                    beforeCommit.run();
                    return rebuild(base, batch, in, nDocs, replaced, deletedIds, unknown, drift, rejectedDir);
                }
                rebuild = "recommended: " + String.join("; ", drift.reasons());
            }
            if (up != null) {
                Pass2 p = write(up, base, cfg, spec);
                tokens = p.tokens;
                inputTokens = p.inputTokens;
                shards = p.shardFiles.size();
                tx.addShards(p.shardFiles).addTextIndexes(p.textFiles);
                p.ivf.forEach(tx::addIvf);
            }
            if (nDocs == 0 && oldPids.length == 0) {
                LOG.info("nothing to update: no document to add and none of the delete ids is live");
                return summary(base, base, "nothing-to-do", batch, in, 0, 0, 0, unknown, 0, 0, drift, rejectedDir,
                        rebuild, 0, 0);
            }
            if (failBeforeCommit) {
                throw new IllegalStateException("injected failure before the commit (--fail-before-commit): new files "
                        + "written, no snapshot committed");
            }
            beforeCommit.run();
            tx.deletePids(oldPids).reresolveDeletesOnConflict(ids).property(AppliedBatch.PROPERTY, batch)
                    .property("update.upserted", Long.toString(nDocs));
            if (upsert != null) {
                tx.property("update.upsert", upsert);
            }
            if (delete != null) {
                tx.property("update.delete", delete);
            }
            ids.properties().forEach(tx::property);
            Manifest m;
            try {
                m = clock.time("commit", tx::commit);
            } catch (CommitConflictException e) {
                return lostRace(base, batch, in, drift, rejectedDir, e);
            }
            // the counts of the snapshot the batch landed on, which a lost race may have changed
            BatchIds.Resolution r = ids.current();
            UpdateSummary s = summary(base, m, "committed", batch, in, nDocs, r.replaced(), r.deleted(), r.unknown(),
                    tokens, inputTokens, drift, rejectedDir, rebuild, shards, m.summary().liveDocuments());
            IndexFiles.writeNew(conf, layout.summary(m.version()), s.toJson().getBytes(StandardCharsets.UTF_8));
            LOG.info("committed version {} ({}): {} upserted ({} replaced), {} deleted, {} live documents",
                    m.version(), m.operation(), nDocs, r.replaced(), r.deleted(), m.summary().liveDocuments());
            return s;
        }

        /**
         * A commit that could not be applied on top of a concurrent one committed nothing: reported as already
         * applied when the winner applied this very batch, otherwise a failure a re-run fixes.
         */
        private UpdateSummary lostRace(Manifest base, String batch, InputValidation.Result in, DriftReport drift,
                String rejectedDir, CommitConflictException e) {
            Manifest latest = store.readLatest();
            OptionalLong applied = AppliedBatch.find(store, latest, batch);
            if (applied.isPresent()) {
                LOG.warn("batch {} was applied concurrently in version {}; this run committed nothing", batch,
                        applied.getAsLong());
                return summary(base, latest, "already-applied", batch, in, 0, 0, 0, 0, 0, 0, drift, rejectedDir, null,
                        0, 0);
            }
            throw new CommitConflictException(e.getMessage() + "; nothing of batch " + batch + " was committed (its "
                    + "files are orphans for tartan expire): run the update again", e);
        }

        private IndexConfig config(IndexSettings settings) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("input", upsert);
            c.put("output", index);
            c.put("format", format);
            c.put("model_config", modelConfig);
            c.put("nbits", Integer.toString(settings.nbits()));
            c.put("shard_target_mb", Double.toString(shardTargetMb));
            c.put("min_shards", Integer.toString(minShards));
            c.put("max_reject_fraction", Double.toString(maxRejectFraction));
            c.put("encoder_batch_size", Integer.toString(encoderBatchSize));
            c.put("encoder_threads", Integer.toString(encoderThreads));
            c.put("encoder_device", encoderDevice);
            c.put("seed", Long.toString(seed));
            return IndexConfig.fromMap(c);
        }

        /** A frozen codec only means something for vectors from the encoder that trained it. */
        private void requireSameEncoder(CorpusReader reader, EncoderSpec spec, IndexSettings settings) {
            if (reader.precomputed()) {
                return;
            }
            TokenEncoder e = spec.open();
            boolean same = e.encoderId().equals(settings.encoderId()) && (settings.encoderChecksum() == null
                    || settings.encoderChecksum().equals(e.checksum()));
            if (!same || e.dim() != settings.dim()) {
                throw new IndexJobException("the index was built with encoder '" + settings.encoderId() + "' ("
                        + settings.encoderChecksum() + ", dim " + settings.dim() + ") but the update encodes with '"
                        + e.encoderId() + "' (" + e.checksum() + ", dim " + e.dim() + "); pass the same --model-config");
            }
        }

        private void checkRejects(InputCounts counts, String rejectedDir) {
            if (counts.rows() == 0) {
                return;
            }
            double share = counts.rejectedTotal() / (double) counts.rows();
            if (share > maxRejectFraction) {
                throw new IndexJobException(counts.rejectedTotal() + " of " + counts.rows() + " upsert rows rejected ("
                        + String.format("%.1f%%", 100 * share) + ", more than max_reject_fraction " + maxRejectFraction
                        + ") " + counts.rejectedByKind() + (rejectedDir == null ? "" : "; see " + rejectedDir)
                        + "; nothing committed");
            }
        }

        /** The written files of pass 2. */
        private record Pass2(List<DataFile> shardFiles, List<DataFile> textFiles, List<DataFile> ivf, long tokens,
                long inputTokens) {
        }

        /** The upserts numbered and partitioned into shards, the encoded sample, and the drift measured on it. */
        private record Upserts(JavaPairRDD<Long, SourceDoc> docsByPid, JavaRDD<EncodedDoc> sample, boolean text,
                int shards, long nDocs, Broadcast<byte[]> codec, ResidualCodec frozen, DriftReport drift) {
        }

        private DriftReport.Thresholds thresholds() {
            return new DriftReport.Thresholds(driftThreshold, maxFarShare, maxResidualChange);
        }

        private Upserts prepare(Manifest base, ResidualCodec codec, IndexConfig cfg, EncoderSpec spec,
                InputValidation.Result in, boolean text, long nDocs, ChangeHistory history) {
            IndexSettings settings = base.settings();
            int dim = settings.dim();
            long firstPid = base.summary().nextPid();
            if (firstPid + nDocs > Integer.MAX_VALUE) {
                throw new IndexJobException("pids would pass 2^31 (next-pid " + firstPid + " + " + nDocs + ")");
            }
            int shards = ShardPlan.shards(nDocs, in.counts().estimatedTokens(), dim, settings.nbits(),
                    settings.numCentroids(), cfg.shardTargetMb(), cfg.minShards() > 0 ? cfg.minShards()
                            : sc.defaultParallelism());
            sc.setJobDescription("update: number " + nDocs + " documents from pid " + firstPid);
            JavaPairRDD<Long, SourceDoc> docsByPid = in.valid().zipWithIndex()
                    .mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                    .repartitionAndSortWithinPartitions(new PidRangePartitioner(shards, nDocs))
                    .mapToPair(t -> new Tuple2<>(t._1() + firstPid, t._2()))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            cached.add(docsByPid.rdd().toJavaRDD());

            // drift, on a sample that pass 2 reuses instead of encoding it again
            double share = Math.min(1.0, driftSampleDocs / (double) nDocs);
            LongAccumulator encodedAcc = sc.sc().longAccumulator("documents encoded for the drift check");
            // new documents are pooled as the index's documents were, so they fit its codec and centroids
            TokenPooler pooler = new TokenPooler(settings.poolFactorOrOne());
            JavaRDD<EncodedDoc> sample = SampleEncoding.encode(docsByPid, spec, pooler, hc, share, seed, encodedAcc);
            if (text) {
                sample = sample.persist(StorageLevel.MEMORY_AND_DISK_SER());
                cached.add(sample);
            }
            Broadcast<byte[]> codecB = sc.broadcast(CodecFile.write(codec, false));
            double factor = farFactor;
            sc.setJobDescription("update: drift of the new documents from the codec");
            JavaRDD<EncodedDoc> sampleF = sample;
            ResidualDrift measured = clock.time("drift", () -> sampleF.mapPartitions(it -> {
                ResidualCodec c = CodecFile.read(codecB.value(), "broadcast codec");
                ResidualDrift d = new ResidualDrift(dim);
                it.forEachRemaining(doc -> d.add(c, doc.vectors(), factor));
                return List.of(d).iterator();
            }).reduce(ResidualDrift::merge));
            DriftReport drift = DriftReport.of(measured, ResidualDrift.codecAvgAbsResidual(codec), history,
                    thresholds());
            clock.done("drift", "tokens", measured.tokens(), drift.describe());
            return new Upserts(docsByPid, sample, text, shards, nDocs, codecB, codec, drift);
        }

        /** Pass 2 with the frozen codec: one shard per partition, each with its IVF delta. */
        private Pass2 write(Upserts up, Manifest base, IndexConfig cfg, EncoderSpec spec) {
            IndexSettings settings = base.settings();
            int dim = settings.dim();
            CentroidAssigner assigner = DistributedKMeans.assigner(up.frozen.centroids(), dim, cfg, seed);
            Broadcast<CentroidAssigner> assignerB = sc.broadcast(assigner);
            ShardBuilder.Context ctx = new ShardBuilder.Context(hc, index, dim, settings.nbits(),
                    settings.numCentroids(), settings.codeWidth(), spec, new TokenPooler(settings.poolFactorOrOne()),
                    up.codec, assignerB, settings.textIndex(), settings.textAnalysisOrDefault());
            JavaRDD<ShardResult> built = up.text
                    ? up.docsByPid.zipPartitions(up.sample, (d, s) -> ShardBuilder.build(TaskContext.getPartitionId(),
                            d, s, ctx))
                    : up.docsByPid.mapPartitionsWithIndex((i, d) -> ShardBuilder.build(i, d,
                            Collections.<EncodedDoc>emptyIterator(), ctx), false);
            sc.setJobDescription("update: encode, assign, compress, write " + up.shards + " shards");
            List<ShardResult> results = new ArrayList<>(clock.time("pass2", built::collect));
            results.sort(Comparator.comparingInt(ShardResult::partition));
            long tokens = results.stream().mapToLong(ShardResult::tokens).sum();
            long inputTokens = results.stream().mapToLong(ShardResult::inputTokens).sum();
            clock.done("pass2", "tokens", tokens, results.size() + " shards, " + up.nDocs + " documents"
                    + (inputTokens == tokens ? "" : " (" + inputTokens + " tokens before pooling)"));
            up.codec.destroy();
            assignerB.destroy();

            return new Pass2(results.stream().map(ShardResult::shard).toList(),
                    results.stream().map(ShardResult::textIndex).filter(java.util.Objects::nonNull).toList(),
                    results.stream().map(ShardResult::ivf).toList(), tokens, inputTokens);
        }

        /** Rebuilds from {@code --corpus} instead of updating; the new build is the next version. */
        private UpdateSummary rebuild(Manifest base, String batch, InputValidation.Result in, long nDocs,
                long replaced, long deletedIds, long unknown, DriftReport drift, String rejectedDir) {
            IndexSettings s = base.settings();
            Map<String, String> c = new LinkedHashMap<>();
            c.put("input", corpus);
            c.put("format", format);
            c.put("model_config", modelConfig);
            c.put("shard_target_mb", Double.toString(shardTargetMb));
            c.put("min_shards", Integer.toString(minShards));
            c.put("max_reject_fraction", Double.toString(maxRejectFraction));
            c.put("encoder_batch_size", Integer.toString(encoderBatchSize));
            c.put("encoder_threads", Integer.toString(encoderThreads));
            c.put("encoder_device", encoderDevice);
            c.put("seed", Long.toString(seed));
            if ("precomputed".equals(s.encoderId()) || s.encoderChecksum() == null) {
                c.put("dim", Integer.toString(s.dim()));
                c.put("encoder_id", s.encoderId());
            }
            Map<String, String> props = new LinkedHashMap<>();
            props.put(AppliedBatch.PROPERTY, batch);
            props.put("rebuild-reasons", String.join("; ", drift.reasons()));
            props.put("build.input", corpus);
            RebuildInPlace.Result r = clock.time("rebuild", () -> RebuildInPlace.run(sc, store, base, c, props));
            Manifest m = r.committed();
            String what = "rebuilt from " + corpus + " as version " + m.version() + " (" + r.build().documents()
                    + " documents; " + String.join("; ", drift.reasons()) + ")";
            clock.done("rebuild", "documents", r.build().documents(), what);
            UpdateSummary summary = summary(base, m, "rebuilt", batch, in, nDocs, replaced, deletedIds, unknown,
                    m.summary().tokens(), r.build().inputTokens(), drift, rejectedDir, what, m.shards().size(),
                    m.summary().liveDocuments());
            IndexFiles.writeNew(conf, layout.summary(m.version()), summary.toJson().getBytes(StandardCharsets.UTF_8));
            return summary;
        }

        private UpdateSummary summary(Manifest base, Manifest m, String outcome, String batch,
                InputValidation.Result in, long upserted, long replaced, long deleted, long unknown, long tokens,
                long inputTokens, DriftReport drift, String rejectedDir, String rebuild, int shards, long liveDocs) {
            InputCounts c = in == null ? new InputCounts() : in.counts();
            return new UpdateSummary(index, m.operation(), base.version(), m.version(), outcome, batch, c.rows(),
                    upserted, replaced, deleted, unknown, c.rejectedTotal(), c.rejectedByKind(), rejectedDir, tokens,
                    inputTokens, m.settings().poolFactorOrOne(), shards,
                    liveDocs == 0 ? m.summary().liveDocuments() : liveDocs, drift, rebuild, clock.seconds());
        }
    }
}
