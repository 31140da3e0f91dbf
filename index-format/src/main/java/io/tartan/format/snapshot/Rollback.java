package io.tartan.format.snapshot;

import io.tartan.format.IndexFormatException;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.manifest.Summary;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rolls an index back by committing a new version whose content is an earlier snapshot's (FORMAT.md section 3):
 * history is never rewritten, so readers and a later roll-forward still see every version. {@code next-pid} keeps
 * the current high-water mark, because pids handed out after the target snapshot must never be reused.
 */
public final class Rollback {
    private Rollback() {
    }

    /** Makes the snapshot of {@code targetVersion} current again; returns the new manifest. */
    public static Manifest to(ManifestStore store, long targetVersion) {
        Manifest current = store.readLatest();
        if (!store.versions().contains(targetVersion)) {
            throw new IndexFormatException(store.layout().root() + ": no snapshot version " + targetVersion
                    + " (available: " + store.versions() + ")");
        }
        Manifest target = store.read(targetVersion);
        Summary s = target.summary();
        Map<String, String> props = new HashMap<>(target.properties());
        props.put("rollback-to-version", Long.toString(targetVersion));
        props.put("rollback-to-snapshot-id", Long.toString(target.snapshotId()));
        Manifest next = Manifest.create(current.version() + 1, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
                current.snapshotId(), System.currentTimeMillis(), Manifest.OP_ROLLBACK, target.settings(), target.codec(),
                target.shards(), target.ivf(), target.deletes(), target.textIndexes(),
                new Summary(s.liveDocuments(), s.storedDocuments(), s.deletedDocuments(), s.tokens(), s.totalBytes(),
                        Math.max(s.nextPid(), current.summary().nextPid())), props);
        store.commit(next);
        return next;
    }

    /** Resolves a snapshot id to its version. */
    public static long versionOfSnapshot(ManifestStore store, long snapshotId) {
        for (long v : store.versions()) {
            if (store.read(v).snapshotId() == snapshotId) {
                return v;
            }
        }
        throw new IndexFormatException(store.layout().root() + ": no snapshot with id " + snapshotId);
    }
}
