package io.tartan.jobs.maintenance;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.snapshot.SnapshotExpiry;
import io.tartan.query.cli.HadoopOptions;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code tartan expire}: removes old snapshots, then every data file that no remaining snapshot references (files of
 * expired snapshots and orphans of failed runs). The latest snapshot is never expired, and a file is never deleted
 * while any remaining manifest lists it.
 *
 * <p>Unreferenced files younger than {@code --orphan-grace} survive: a job that is still writing shards has files no
 * manifest lists yet. The default (1 day) must exceed the longest update or compaction run against the index.
 */
@Command(name = "expire", mixinStandardHelpOptions = true,
        description = "Expire old snapshots of a Tartan index and garbage-collect unreferenced files.")
public final class ExpireCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, description = "index URI (local path, file:, s3a:)")
    String index;

    @Option(names = "--keep", description = "keep at least this many newest snapshots (default 1)")
    Integer keep;

    @Option(names = {"--older-than", "--older_than"}, converter = Age.class,
            description = "expire only snapshots committed longer ago than this (7d, 12h, 30m)")
    Duration olderThan;

    @Option(names = {"--orphan-grace", "--orphan_grace"}, converter = Age.class, defaultValue = "1d",
            description = "delete an unreferenced file only if it is older than this (default ${DEFAULT-VALUE}); "
                    + "protects the files of runs still in progress")
    Duration orphanGrace;

    @Option(names = {"--dry-run", "--dry_run"}, description = "print what would be removed; remove nothing")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Mixin
    HadoopOptions hadoop = new HadoopOptions();

    private final Configuration conf;

    /** Hadoop settings from $HADOOP_CONF_DIR and the command line ({@link HadoopOptions}). */
    public ExpireCommand() {
        this(null);
    }

    /** A command on an explicit Hadoop configuration (s3a settings, tests); the command's own options win over it. */
    public ExpireCommand(Configuration conf) {
        this.conf = conf;
    }

    public static void main(String[] args) {
        System.exit(MaintenanceCli.execute(new ExpireCommand(), args));
    }

    @Override
    public Integer call() {
        if (keep == null && olderThan == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give --keep N and/or --older-than AGE (e.g. --keep 5, --older-than 7d)");
        }
        long now = System.currentTimeMillis();
        SnapshotExpiry.Policy policy = new SnapshotExpiry.Policy(keep == null ? 1 : keep,
                olderThan == null ? Long.MAX_VALUE : now - olderThan.toMillis(), orphanGrace.toMillis());
        Configuration conf = hadoop.over(this.conf);
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        store.readLatest();
        SnapshotExpiry.Result r = SnapshotExpiry.run(conf, store, policy, dryRun);
        PrintWriter out = new PrintWriter(System.out, true);
        String verb = dryRun ? "would remove" : "removed";
        out.printf("%s %d snapshot(s) %s and %d unreferenced file(s), %d bytes; %d snapshot(s) remain%n", verb,
                r.expiredVersions().size(), r.expiredVersions(), r.filesDeleted(), r.bytesDeleted(),
                store.versions().size() - (dryRun ? r.expiredVersions().size() : 0));
        for (String f : r.deletedFiles()) {
            out.println("  " + f);
        }
        return 0;
    }
}
