package io.tartan.query;

import io.tartan.format.IndexFormatException;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.shard.ShardSpec;
import io.tartan.query.load.FileSource;
import io.tartan.query.load.SnapshotLoader;
import io.tartan.query.segment.CentroidGroupingCache;
import io.tartan.query.segment.SegmentCache;
import io.tartan.query.segment.ShardSegment;
import io.tartan.query.segment.ShardSlice;
import io.tartan.query.text.TextIndexCache;
import io.tartan.query.text.TextIndexes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns a manifest into an {@link IndexSnapshot}: reads and verifies the codec and deletion vectors, picks the
 * shards of the partition served, maps their serving segments (reusing the previous snapshot's mappings of shards
 * it shares, building missing segments from the shards), and logs the cost.
 */
final class SnapshotReader {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
    private static final String MORE_PARTITIONS = "serve the index as more partitions (OpenOptions.withPartition)";

    private final String uri;
    private final FileSource source;
    private final SnapshotLoader loader;
    private final SegmentCache cache;
    private final CentroidGroupingCache groupings;
    private final Partition partition;
    private final TextIndexCache text = new TextIndexCache();

    SnapshotReader(String uri, FileSource source, SegmentCache cache, CentroidGroupingCache groupings,
            Partition partition, int threads) {
        this.uri = uri;
        this.source = source;
        this.loader = new SnapshotLoader(source, threads);
        this.cache = cache;
        this.groupings = groupings;
        this.partition = partition;
    }

    SegmentCache cache() {
        return cache;
    }

    CentroidGroupingCache groupings() {
        return groupings;
    }

    TextIndexCache textCache() {
        return text;
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
        AtomicInteger reused = new AtomicInteger();
        List<ShardSegment> segments = loader.parallel(used, f -> {
            ShardSegment s = reusable.get(key(f.path(), f.checksum(), f.sizeBytes()));
            if (s != null) {
                reused.incrementAndGet();
                return s;
            }
            return cache.open(f, spec, codec, () -> source.shard(f));
        });
        long t2 = System.nanoTime();

        List<ShardSlice> slices = new ArrayList<>();
        long base = 0;
        long tokens = 0;
        for (ShardSegment seg : segments) {
            ShardSlice sl = slice(seg, range, deleted, IntLimit.check(base, where, "rows in one partition", MORE_PARTITIONS));
            if (sl != null) {
                slices.add(sl);
                base += sl.rows();
                tokens += sl.liveTokens();
            }
        }
        IntLimit.check(base, where, "rows in one partition", MORE_PARTITIONS);
        long t3 = System.nanoTime();
        long ms = (t3 - t0) / 1_000_000;
        int rows = (int) base;
        IndexSnapshot snap = new IndexSnapshot(m, codec, partition, slices, tokens, ms,
                () -> TextIndexes.open(m, slices, rows, source, text), groupings);
        text.retain(m.textIndexes());
        long bytes = m.allFiles().stream().mapToLong(DataFile::sizeBytes).sum();
        Map<String, Long> mem = snap.memory();
        LOG.info("loaded index {} v{} partition {}: {} of {} shards ({} reused, {} segments built so far), {} docs "
                        + "({} deleted pids in the index), {} tokens, {} centroids, {} MB on disk, {} MB mapped, "
                        + "{} MB heap; {} ms (codec+deletes {} ms, segments {} ms, slices {} ms)",
                uri, m.version(), partition, used.size(), shards.size(), reused.get(), cache.built(), snap.numDocs(),
                deleted.length, tokens, codec.numCentroids(), String.format("%.1f", bytes / 1e6),
                String.format("%.1f", mem.get("mapped_total") / 1e6), String.format("%.1f", mem.get("total") / 1e6),
                ms, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        return snap;
    }

    /** The rows of {@code seg} in the pid range, at snapshot row {@code base}, deletions marked; null if none. */
    private static ShardSlice slice(ShardSegment seg, long[] range, int[] deleted, int base) {
        int from = range[0] == Long.MIN_VALUE ? 0 : seg.lowerBound(range[0]);
        int to = range[1] == Long.MAX_VALUE ? seg.rows() : seg.lowerBound(range[1]);
        if (from >= to) {
            return null;
        }
        long[] bits = null;
        int dead = 0;
        long tokens = seg.tokenStart(to) - seg.tokenStart(from);
        long hi = seg.pid(to - 1);
        int at = Arrays.binarySearch(deleted, (int) Math.min(seg.pid(from), Integer.MAX_VALUE));
        for (int d = at < 0 ? -at - 1 : at; d < deleted.length && deleted[d] <= hi; d++) {
            int local = seg.rowOfPid(deleted[d]);
            if (local >= 0) {
                if (bits == null) {
                    bits = new long[(to - from + 63) / 64];
                }
                int j = local - from;
                bits[j >>> 6] |= 1L << j;
                dead++;
                tokens -= seg.doclen(local);
            }
        }
        return new ShardSlice(seg, from, to, base, bits, to - from - dead, tokens);
    }

    private static String key(String path, String checksum, long size) {
        return path + "|" + checksum + "|" + size;
    }
}
