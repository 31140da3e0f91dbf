package io.tartan.query;

import io.tartan.format.IndexFormatException;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.shard.ShardSpec;
import io.tartan.query.load.FileSource;
import io.tartan.query.load.SnapshotLoader;
import io.tartan.query.segment.SegmentCache;
import io.tartan.query.segment.ShardSegment;
import io.tartan.query.segment.ShardSlice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a manifest into an {@link IndexSnapshot}: reads and verifies the codec and deletion vectors, picks the
 * shards of the partition served, maps their serving segments (reusing the previous snapshot's mappings of shards
 * it shares, building missing segments from the shards), and logs the cost.
 */
final class SnapshotReader {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);

    private final String uri;
    private final FileSource source;
    private final SnapshotLoader loader;
    private final SegmentCache cache;
    private final Partition partition;

    SnapshotReader(String uri, FileSource source, SegmentCache cache, Partition partition, int threads) {
        this.uri = uri;
        this.source = source;
        this.loader = new SnapshotLoader(source, threads);
        this.cache = cache;
        this.partition = partition;
    }

    SegmentCache cache() {
        return cache;
    }

    IndexSnapshot read(Manifest m) {
        return read(m, null);
    }

    /**
     * @param previous the snapshot served now, whose mapped segments are reused for the shards both list (shards
     *                 are immutable, so a segment is the same whichever snapshot lists its shard); null for none
     */
    IndexSnapshot read(Manifest m, IndexSnapshot previous) {
        long t0 = System.nanoTime();
        String where = uri + " v" + m.version();
        m.validate("manifest v" + m.version());
        ResidualCodec codec = loader.codec(m);
        if (codec.dim() != m.settings().dim() || codec.nbits() != m.settings().nbits()
                || codec.numCentroids() != m.settings().numCentroids()) {
            throw new IndexFormatException(m.codec().path() + ": codec (dim " + codec.dim() + ", nbits " + codec.nbits()
                    + ", k " + codec.numCentroids() + ") disagrees with the manifest settings");
        }
        int[] deleted = loader.deletedPids(m);
        List<DataFile> shards = new ArrayList<>(m.shards());
        shards.sort((a, b) -> Long.compare(a.minPid(), b.minPid()));
        for (int i = 1; i < shards.size(); i++) {
            if (shards.get(i).minPid() <= shards.get(i - 1).maxPid()) {
                throw new IndexFormatException(where + ": shards " + shards.get(i - 1).path() + " and "
                        + shards.get(i).path() + " overlap in pids");
            }
        }
        long[] range = PartitionPlan.pidRange(shards, deleted, partition);
        List<DataFile> used = shards.stream().filter(f -> f.maxPid() >= range[0] && f.minPid() < range[1]).toList();
        long t1 = System.nanoTime();

        Map<String, ShardSegment> reusable = new HashMap<>();
        if (previous != null) {
            previous.segments().forEach(s -> reusable.put(key(s.shardPath(), s.header().sourceChecksum(),
                    s.header().sourceSize()), s));
        }
        ShardSpec spec = ShardSpec.of(m.settings());
        int[] reused = {0};
        List<ShardSegment> segments = loader.parallel(used, f -> {
            ShardSegment s = reusable.get(key(f.path(), f.checksum(), f.sizeBytes()));
            if (s != null) {
                synchronized (reused) {
                    reused[0]++;
                }
                return s;
            }
            return cache.open(source.conf(), f, spec, codec, () -> source.layoutFor(f));
        });
        long t2 = System.nanoTime();

        List<ShardSlice> slices = new ArrayList<>();
        long base = 0;
        long tokens = 0;
        for (int i = 0; i < used.size(); i++) {
            ShardSegment seg = segments.get(i);
            int from = range[0] == Long.MIN_VALUE ? 0 : seg.lowerBound(range[0]);
            int to = range[1] == Long.MAX_VALUE ? seg.rows() : seg.lowerBound(range[1]);
            if (from >= to) {
                continue;
            }
            long[] bits = null;
            int dead = 0;
            long deadTokens = 0;
            long lo = seg.pid(from);
            long hi = seg.pid(to - 1);
            int at = java.util.Arrays.binarySearch(deleted, (int) Math.min(lo, Integer.MAX_VALUE));
            for (int d = at < 0 ? -at - 1 : at; d < deleted.length && deleted[d] <= hi; d++) {
                int pid = deleted[d];
                int local = seg.rowOfPid(pid);
                if (local >= 0) {
                    if (bits == null) {
                        bits = new long[(to - from + 63) / 64];
                    }
                    int j = local - from;
                    bits[j >>> 6] |= 1L << j;
                    dead++;
                    deadTokens += seg.doclen(local);
                }
            }
            int b = IntLimit.check(base, where, "rows in one partition",
                    "serve the index as more partitions (OpenOptions.withPartition, tartan serve --partition)");
            slices.add(new ShardSlice(seg, from, to, b, bits, to - from - dead));
            base += to - from;
            tokens += seg.tokenStart(to) - seg.tokenStart(from) - deadTokens;
        }
        IntLimit.check(base, where, "rows in one partition",
                "serve the index as more partitions (OpenOptions.withPartition, tartan serve --partition)");
        long t3 = System.nanoTime();
        long ms = (t3 - t0) / 1_000_000;
        IndexSnapshot snap = new IndexSnapshot(m, codec, partition, slices, tokens, ms);
        long bytes = m.allFiles().stream().mapToLong(DataFile::sizeBytes).sum();
        Map<String, Long> mem = snap.memory();
        LOG.info("loaded index {} v{} partition {}: {} of {} shards ({} reused, {} segments built so far), {} docs "
                        + "({} deleted pids in the index), {} tokens, {} centroids, {} MB on disk, {} MB mapped, "
                        + "{} MB heap; {} ms (codec+deletes {} ms, segments {} ms, slices {} ms)",
                uri, m.version(), partition, used.size(), shards.size(), reused[0], cache.built(), snap.numDocs(),
                deleted.length, tokens, codec.numCentroids(), String.format("%.1f", bytes / 1e6),
                String.format("%.1f", mem.get("mapped_total") / 1e6), String.format("%.1f", mem.get("total") / 1e6),
                ms, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        return snap;
    }

    private static String key(String path, String checksum, long size) {
        return path + "|" + checksum + "|" + size;
    }
}
