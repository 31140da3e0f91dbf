package io.tartan.jobs.search;

import io.tartan.query.OpenOptions;
import io.tartan.query.TartanIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The snapshots this JVM has opened, one per index URI, version and partition: every search task of an executor
 * (one after another, or several at once in its task slots) shares one loaded snapshot instead of loading it per
 * task. Opening a newer version of the same URI and partition drops the older one, so a long-lived executor that
 * runs job after job holds one snapshot per index, not one per version; tasks still searching the older one keep
 * their reference until they finish.
 */
public final class SnapshotCache {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCache.class);
    private static final Map<Key, Holder> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();

    private SnapshotCache() {
    }

    private record Key(String uri, long version, int partition, int partitions) {
    }

    /**
     * The snapshot of {@code uri} at {@code version} (partition {@code partition} of {@code partitions}), loaded once.
     *
     * @param onLoad runs when this call loaded the snapshot (rather than finding it loaded)
     */
    public static TartanIndex get(String uri, long version, int partition, int partitions, OpenOptions options,
            PartitionOpener opener, Runnable onLoad) {
        Key key = new Key(uri, version, partition, partitions);
        Holder h = OPEN.computeIfAbsent(key, k -> new Holder());
        TartanIndex index = h.get(key, options.withVersion(version), opener, onLoad);
        OPEN.keySet().removeIf(k -> k.uri.equals(uri) && k.partition == partition && k.partitions == partitions
                && k.version < version);
        return index;
    }

    /** Snapshots loaded by this JVM so far (a failed load does not count). */
    public static long loads() {
        return LOADS.get();
    }

    /** Forgets every snapshot (tests); later calls load again. */
    public static void clear() {
        OPEN.clear();
    }

    /** Loads at most once at a time without holding the map's lock: loading a snapshot takes seconds. */
    private static final class Holder {
        private TartanIndex index;

        synchronized TartanIndex get(Key key, OpenOptions options, PartitionOpener opener, Runnable onLoad) {
            if (index == null) {
                long t0 = System.nanoTime();
                index = opener.open(key.uri, options, key.partition, key.partitions);
                LOADS.incrementAndGet();
                onLoad.run();
                LOG.info("opened {} v{} (partition {} of {}): {} documents in {} ms", key.uri, key.version,
                        key.partition, key.partitions, index.snapshot().numDocs(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
            return index;
        }
    }
}
