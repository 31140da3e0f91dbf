package io.tartan.jobs;

import io.tartan.format.IndexLayout;
import io.tartan.format.io.Checksums;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.snapshot.DeletedPids;
import io.tartan.format.snapshot.SnapshotTransaction;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.maintenance.CompactionPlan;
import io.tartan.jobs.maintenance.IvfRewrite;
import io.tartan.jobs.maintenance.MaintenanceCli;
import io.tartan.jobs.maintenance.ShardRewrite;
import io.tartan.jobs.update.ChangeHistory;
import io.tartan.query.cli.HadoopOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tartan compact} (spark-submit main): rewrites shards to drop deleted rows and merges small adjacent shards,
 * one Spark task per output shard, then commits a {@code compact} snapshot with one IVF and no deletion vectors.
 *
 * <p>Pids, pid order, codes and residuals are kept, so search results after compaction equal those before. The old
 * files stay until {@code tartan expire} removes the snapshots that use them. A compaction that loses a commit race
 * fails without retrying (it must start from the latest snapshot); its new files become orphans for expire.
 */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = "Rewrite shards of a Tartan index without deleted rows and merge small shards.")
public final class CompactJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(CompactJob.class);

    @Option(names = "--index", required = true, description = "index URI (local path, file:, s3a:)")
    String index;

    /** Set on the Spark context's Hadoop configuration when the job runs. */
    @Mixin
    HadoopOptions hadoop = new HadoopOptions();

    @Option(names = {"--shard-target-mb", "--shard_target_mb"}, defaultValue = "128",
            description = "an output shard stays below this size (default ${DEFAULT-VALUE})")
    double shardTargetMb;

    @Option(names = {"--small-shard-fraction", "--small_shard_fraction"}, defaultValue = "0.5",
            description = "shards smaller than this share of the target are merged even without deletes "
                    + "(default ${DEFAULT-VALUE})")
    double smallShardFraction;

    @Option(names = {"--dry-run", "--dry_run"}, description = "print the plan; write nothing")
    boolean dryRun;

    /** Failure injection for crash tests: throw after the new files are written, before the commit. */
    @Option(names = "--fail-before-commit", hidden = true)
    boolean failBeforeCommit;

    /** What a run did. {@code committed} is empty when there was nothing to compact or on a dry run. */
    public record Result(Optional<Manifest> committed, CompactionPlan plan, int shardsBefore, int shardsAfter,
            long rowsDropped) {
    }

    private Runnable beforeCommit = () -> { };

    public static void main(String[] args) {
        System.exit(MaintenanceCli.execute(new CompactJob(), args));
    }

    /** Runs {@code hook} after the new files are written, before the commit (to stage a concurrent commit). */
    public CompactJob beforeCommit(Runnable hook) {
        this.beforeCommit = hook;
        return this;
    }

    /** A job configured from command-line arguments, for callers that bring their own Spark context. */
    public static CompactJob parse(String... args) {
        return MaintenanceCli.parse(new CompactJob(), args);
    }

    @Override
    public Integer call() {
        return MaintenanceCli.inSpark("tartan compact " + index, jsc -> describe(run(jsc)));
    }

    public Result run(JavaSparkContext jsc) {
        if (shardTargetMb <= 0 || smallShardFraction < 0 || smallShardFraction > 1) {
            throw new IllegalArgumentException("--shard-target-mb must be > 0 and --small-shard-fraction in [0, 1]");
        }
        hadoop.applyTo(jsc.hadoopConfiguration());
        Configuration conf = jsc.hadoopConfiguration();
        IndexLayout layout = new IndexLayout(index);
        ManifestStore store = new ManifestStore(conf, layout);
        Manifest base = store.readLatest();
        int[] deleted = DeletedPids.of(conf, layout, base);
        CompactionPlan plan = CompactionPlan.of(base.shards(), deleted, (long) (shardTargetMb * 1024 * 1024),
                smallShardFraction);
        long rowsDropped = plan.groups().stream().mapToLong(CompactionPlan.Group::deletedRows).sum();
        if ((plan.isEmpty() && base.deletes().isEmpty()) || dryRun) {
            return new Result(Optional.empty(), plan, base.shards().size(), base.shards().size(), rowsDropped);
        }
        LOG.info("compacting v{}: {} of {} shards into {} shard(s), dropping {} deleted row(s)", base.version(),
                plan.replacedPaths().size(), base.shards().size(), plan.groups().size(), rowsDropped);

        Broadcast<int[]> del = jsc.broadcast(deleted);
        ShardRewrite rewrite = ShardRewrite.compaction(layout.root().toString(), new HadoopConf(conf),
                ShardSpec.of(base.settings()), del, base);
        List<DataFile> written = plan.isEmpty() ? List.of()
                : jsc.parallelize(plan.groups(), plan.groups().size())
                        .flatMap(g -> rewrite.apply(g).iterator()).collect();
        List<DataFile> newShards = written.stream().filter(f -> DataFile.SHARD.equals(f.content())).toList();
        List<DataFile> newText = written.stream().filter(f -> DataFile.TEXT_INDEX.equals(f.content())).toList();
        del.destroy();
        Ivf ivf = IvfRewrite.live(conf, layout, base, deleted);
        byte[] ivfBytes = IvfFile.write(ivf);
        String ivfPath = IndexLayout.newIvfPath();
        IndexFiles.writeNew(conf, layout.resolve(ivfPath), ivfBytes);
        DataFile ivfFile = DataFile.of(ivfPath, DataFile.IVF, ivfBytes.length, ivf.numCentroids(), ivf.numEntries(),
                Checksums.crc32c(ivfBytes));
        if (failBeforeCommit) {
            throw new IllegalStateException("injected failure before the commit (--fail-before-commit): "
                    + newShards.size() + " shard(s) and " + ivfPath + " written, no snapshot committed");
        }
        beforeCommit.run();
        SnapshotTransaction tx = SnapshotTransaction.on(conf, store, base, Manifest.OP_COMPACT)
                .rewrite(plan.replacedPaths(), newShards, ivfFile, true)
                .addTextIndexes(newText)
                .property("compacted-from-version", Long.toString(base.version()))
                .property("rows-dropped", Long.toString(rowsDropped));
        // compaction changes no document: the drift check's count of changes since the build carries over
        ChangeHistory.of(store, base).properties().forEach(tx::property);
        Manifest m = tx.commit();
        return new Result(Optional.of(m), plan, base.shards().size(), m.shards().size(), rowsDropped);
    }

    static String describe(Result r) {
        if (r.committed().isEmpty()) {
            return r.plan().isEmpty() ? "nothing to compact (" + r.shardsBefore() + " shards, no deleted rows)"
                    : "plan: rewrite " + r.plan().replacedPaths().size() + " of " + r.shardsBefore() + " shards into "
                    + r.plan().groups().size() + ", dropping " + r.rowsDropped() + " deleted row(s); nothing written (dry run)";
        }
        Manifest m = r.committed().get();
        return "committed version " + m.version() + " (compact): " + r.shardsBefore() + " -> " + r.shardsAfter()
                + " shards, " + r.rowsDropped() + " deleted row(s) dropped, " + m.summary().liveDocuments()
                + " live documents";
    }
}
