package io.tartan.format.snapshot;

import io.tartan.format.IndexLayout;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Expires old snapshots and garbage-collects data files no remaining snapshot references (FORMAT.md section 3).
 *
 * <p>The latest snapshot is never expired. A file is deleted only if no remaining manifest lists it AND it is older
 * than the grace period: a job still writing shards for its commit has files that no manifest lists yet, and they must
 * survive until it commits (or fails, making them orphans for a later run).
 */
public final class SnapshotExpiry {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotExpiry.class);
    private static final String[] DATA_DIRS = {IndexLayout.DATA_DIR, IndexLayout.CODEC_DIR, IndexLayout.IVF_DIR,
        IndexLayout.DELETES_DIR};

    /**
     * @param keepLast       keep at least this many newest snapshots (≥ 1)
     * @param olderThanMs    expire only snapshots committed before this time (ms since epoch); Long.MAX_VALUE for any
     * @param graceMs        never delete an unreferenced file modified less than this long ago
     */
    public record Policy(int keepLast, long olderThanMs, long graceMs) {
        public Policy {
            if (keepLast < 1) {
                throw new IllegalArgumentException("keep at least 1 snapshot, got " + keepLast);
            }
        }
    }

    /** What a run removed (or, in a dry run, would remove): manifests by version, data files by relative path. */
    public record Result(List<Long> expiredVersions, List<String> deletedFiles, int filesDeleted, long bytesDeleted) {
    }

    private SnapshotExpiry() {
    }

    public static Result run(Configuration conf, ManifestStore store, Policy policy) {
        return run(conf, store, policy, false);
    }

    /** With {@code dryRun}, lists what a run would remove and deletes nothing. */
    public static Result run(Configuration conf, ManifestStore store, Policy policy, boolean dryRun) {
        List<Long> versions = store.versions();
        List<Long> expired = new ArrayList<>();
        for (int i = 0; i < versions.size() - policy.keepLast(); i++) {
            long v = versions.get(i);
            if (store.read(v).timestampMs() < policy.olderThanMs()) {
                expired.add(v);
            }
        }
        IndexLayout layout = store.layout();
        try {
            FileSystem fs = IndexFiles.fileSystem(conf, layout.root());
            if (!dryRun) {
                for (long v : expired) {
                    fs.delete(layout.manifest(v), false);
                    fs.delete(layout.summary(v), false);
                }
            }
            // listed again after the deletes, so a snapshot committed meanwhile keeps its files
            Set<String> live = new HashSet<>();
            for (long v : store.versions()) {
                if (dryRun && expired.contains(v)) {
                    continue;
                }
                Manifest m = store.read(v);
                for (DataFile f : m.allFiles()) {
                    live.add(f.path());
                }
            }
            long now = System.currentTimeMillis();
            List<String> deleted = new ArrayList<>();
            long bytes = 0;
            for (String dir : DATA_DIRS) {
                RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it;
                try {
                    it = fs.listFiles(layout.resolve(dir), false);
                } catch (FileNotFoundException e) {
                    continue;
                }
                while (it.hasNext()) {
                    FileStatus st = it.next();
                    String rel = dir + "/" + st.getPath().getName();
                    if (!live.contains(rel) && now - st.getModificationTime() >= policy.graceMs()) {
                        if (dryRun || fs.delete(st.getPath(), false)) {
                            deleted.add(rel);
                            bytes += st.getLen();
                        }
                    }
                }
            }
            LOG.info("{}expired {} snapshot(s) {}, deleted {} unreferenced file(s), {} bytes", dryRun ? "dry run: " : "",
                    expired.size(), expired, deleted.size(), bytes);
            return new Result(expired, deleted, deleted.size(), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("expiry under " + layout.root() + " failed: " + e.getMessage(), e);
        }
    }
}
