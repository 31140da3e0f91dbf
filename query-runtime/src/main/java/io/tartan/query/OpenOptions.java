package io.tartan.query;

import io.tartan.query.segment.ChunkedMappedData;
import io.tartan.query.storage.StorageProvider;

import java.nio.file.Path;

/**
 * How {@link TartanIndex#open(String, OpenOptions)} loads an index.
 *
 * @param storage       opens indexes on remote storage ({@code s3a:} …: tartan-query-runtime-hadoop); null to find a
 *                      {@link StorageProvider} with {@link java.util.ServiceLoader} (local indexes need none)
 * @param version       manifest version to load; null for the latest
 * @param cacheDir      local cache: serving segments of every index (folder {@code segments/}) and copies of the
 *                      files of remote indexes ({@code s3a:} …); null for {@code $java.io.tmpdir/tartan-cache} and
 *                      no copies of remote files (they are then read directly)
 * @param forceCache    cache copies of the files of a local index too (tests)
 * @param threads       shards whose serving segments are built (or mapped) at the same time
 * @param mapChunkBytes size of one memory mapping (a power of two, 64 B … 1 GiB; default 1 GiB); files larger than
 *                      it are mapped as several chunks. Small values exist to test the multi-chunk paths.
 * @param verifyCache   check the whole-file checksum of every existing serving segment at open (reads every byte);
 *                      by default only the header, the source shard, the length and the offset tables are checked,
 *                      and the full checksum only when a segment is built
 * @param partition     the partition to serve ({@link Partition#WHOLE} for all of the index)
 */
public record OpenOptions(StorageProvider storage, Long version, Path cacheDir, boolean forceCache, int threads,
        long mapChunkBytes, boolean verifyCache, Partition partition) {

    public static final long DEFAULT_MAP_CHUNK_BYTES = 1L << ChunkedMappedData.DEFAULT_CHUNK_POWER;

    public OpenOptions {
        if (Long.bitCount(mapChunkBytes) != 1) {
            throw new IllegalArgumentException("map chunk size must be a power of two, got " + mapChunkBytes);
        }
        ChunkedMappedData.checkChunkPower(Long.numberOfTrailingZeros(mapChunkBytes));
        if (partition == null) {
            partition = Partition.WHOLE;
        }
    }

    /** The options of the first release (whole index, default mapping). */
    public OpenOptions(StorageProvider storage, Long version, Path cacheDir, boolean forceCache, int threads) {
        this(storage, version, cacheDir, forceCache, threads, DEFAULT_MAP_CHUNK_BYTES, false, Partition.WHOLE);
    }

    public static OpenOptions defaults() {
        return new OpenOptions(null, null, defaultCacheDir(), false, Runtime.getRuntime().availableProcessors());
    }

    static Path defaultCacheDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "tartan-cache");
    }

    public OpenOptions withVersion(Long v) {
        return new OpenOptions(storage, v, cacheDir, forceCache, threads, mapChunkBytes, verifyCache, partition);
    }

    public OpenOptions withCacheDir(Path dir, boolean force) {
        return new OpenOptions(storage, version, dir, force, threads, mapChunkBytes, verifyCache, partition);
    }

    /** Reads indexes on remote storage through {@code p} (for example a Hadoop provider with the host's settings). */
    public OpenOptions withStorage(StorageProvider p) {
        return new OpenOptions(p, version, cacheDir, forceCache, threads, mapChunkBytes, verifyCache, partition);
    }

    public OpenOptions withThreads(int n) {
        return new OpenOptions(storage, version, cacheDir, forceCache, n, mapChunkBytes, verifyCache, partition);
    }

    public OpenOptions withMapChunkBytes(long bytes) {
        return new OpenOptions(storage, version, cacheDir, forceCache, threads, bytes, verifyCache, partition);
    }

    public OpenOptions withVerifyCache(boolean verify) {
        return new OpenOptions(storage, version, cacheDir, forceCache, threads, mapChunkBytes, verify, partition);
    }

    /** Serve only partition {@code i} of {@code n} (see {@link PartitionPlan} for which documents that is). */
    public OpenOptions withPartition(int i, int n) {
        return new OpenOptions(storage, version, cacheDir, forceCache, threads, mapChunkBytes, verifyCache, new Partition(i, n));
    }

    Path segmentCacheDir() {
        return cacheDir != null ? cacheDir : defaultCacheDir();
    }

    int mapChunkPower() {
        return Long.numberOfTrailingZeros(mapChunkBytes);
    }
}
