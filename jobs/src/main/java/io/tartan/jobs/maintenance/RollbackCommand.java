package io.tartan.jobs.maintenance;

import io.tartan.format.IndexFormatException;
import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.snapshot.Rollback;
import io.tartan.query.cli.HadoopOptions;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tartan rollback --to SNAPSHOT}: makes an earlier snapshot current again by committing a new version with
 * its content (FORMAT.md section 3); no manifest is deleted, so rolling forward again is another rollback.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Make an earlier snapshot of a Tartan index current again.")
public final class RollbackCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, description = "index URI (local path, file:, s3a:)")
    String index;

    @Option(names = "--to", required = true, description = "the snapshot to restore: a version (3 or v3) or a "
            + "snapshot id")
    String to;

    @Option(names = {"--dry-run", "--dry_run"}, description = "print what would be restored; commit nothing")
    boolean dryRun;

    @Mixin
    HadoopOptions hadoop = new HadoopOptions();

    private final Configuration conf;

    /** Hadoop settings from $HADOOP_CONF_DIR and the command line ({@link HadoopOptions}). */
    public RollbackCommand() {
        this(null);
    }

    /** A command on an explicit Hadoop configuration (s3a settings, tests); the command's own options win over it. */
    public RollbackCommand(Configuration conf) {
        this.conf = conf;
    }

    public static void main(String[] args) {
        System.exit(MaintenanceCli.execute(new RollbackCommand(), args));
    }

    @Override
    public Integer call() {
        Configuration conf = hadoop.over(this.conf);
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        Manifest current = store.readLatest();
        long version = resolve(store, to);
        Manifest target = store.read(version);
        if (version == current.version()) {
            throw new IndexFormatException(index + ": snapshot " + to + " (version " + version + ") is already current");
        }
        String what = String.format(Locale.ROOT, "version %d (snapshot %d, %s, %d live documents, %d shards)",
                version, target.snapshotId(), target.operation(), target.summary().liveDocuments(),
                target.shards().size());
        if (dryRun) {
            System.out.println("would restore " + what + " as version " + (current.version() + 1));
            return 0;
        }
        Manifest m = Rollback.to(store, version);
        System.out.println("restored " + what + " as version " + m.version() + " (snapshot " + m.snapshotId() + ")");
        return 0;
    }

    /**
     * A version ({@code 3}, {@code v3}) or a snapshot id. Versions are small counters and snapshot ids random 63-bit
     * numbers, so a bare number is looked up as both; a number that names two different snapshots is refused.
     */
    static long resolve(ManifestStore store, String ref) {
        String s = ref.trim();
        boolean explicitVersion = s.startsWith("v") || s.startsWith("V");
        long n;
        try {
            n = Long.parseLong(explicitVersion ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--to '" + ref + "' is neither a version (3, v3) nor a snapshot id");
        }
        List<Long> versions = store.versions();
        if (explicitVersion) {
            if (!versions.contains(n)) {
                throw new IndexFormatException(store.layout().root() + ": no snapshot version " + n
                        + " (available: " + versions + ")");
            }
            return n;
        }
        Long byId = null;
        for (long v : versions) {
            if (store.read(v).snapshotId() == n) {
                byId = v;
            }
        }
        boolean isVersion = versions.contains(n);
        if (isVersion && byId != null && byId != n) {
            throw new IllegalArgumentException("--to " + n + " is both version " + n + " and the snapshot id of version "
                    + byId + "; write v" + n + " for the version");
        }
        if (isVersion) {
            return n;
        }
        if (byId != null) {
            return byId;
        }
        throw new IndexFormatException(store.layout().root() + ": no snapshot version or snapshot id " + n
                + " (versions: " + versions + ")");
    }
}
