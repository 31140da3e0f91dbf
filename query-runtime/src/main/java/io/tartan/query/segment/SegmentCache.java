package io.tartan.query.segment;

import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.shard.ShardSpec;
import io.tartan.query.load.FileSource;
import io.tartan.query.segment.SegmentHeader.Section;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * The local directory of serving segments, one file per shard, named by the shard's file name, checksum and size
 * (FORMAT.md "Serving cache"). A segment is derived data: it is used only after its header, the shard it claims to
 * come from and its length check out, and it is rebuilt from the shard whenever they do not.
 */
public final class SegmentCache {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentCache.class);
    /** Sub-folder of the cache directory holding segments (the rest holds cached copies of remote files). */
    public static final String FOLDER = "segments";

    private final Path dir;
    private final int chunkPower;
    private final boolean verifyOnOpen;
    private final AtomicInteger built = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    /** Heap (in MiB) that concurrent builds may take: a build holds one shard decoded, so a small heap builds one at a time. */
    private final Semaphore buildBudget;
    private final int budgetMiB;

    /**
     * @param cacheDir     the cache directory; segments go to its {@value #FOLDER} folder
     * @param chunkPower   log2 of the mapping chunk size
     * @param verifyOnOpen check the body checksum of an existing segment too (reads the whole file), not only its
     *                     header and length
     */
    public SegmentCache(Path cacheDir, int chunkPower, boolean verifyOnOpen) {
        ChunkedMappedData.checkChunkPower(chunkPower);
        this.dir = cacheDir.resolve(FOLDER);
        this.chunkPower = chunkPower;
        this.verifyOnOpen = verifyOnOpen;
        this.budgetMiB = (int) Math.max(1, Runtime.getRuntime().maxMemory() / 2 / (1 << 20));
        this.buildBudget = new Semaphore(budgetMiB);
        removeAbandonedTemporaries();
    }

    /**
     * Deletes temporary files of builds that died (a killed process leaves its {@code .<name>.<uuid>.tmp}); an hour
     * old is far past any build in progress.
     */
    private void removeAbandonedTemporaries() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - 3_600_000L;
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
                if (Files.getLastModifiedTime(p).toMillis() < cutoff && Files.deleteIfExists(p)) {
                    LOG.info("removed abandoned temporary serving segment {}", p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean temporary files in {}: {}", dir, e.getMessage());
        }
    }

    public Path dir() {
        return dir;
    }

    /** Segments built since this cache was created. */
    public int built() {
        return built.get();
    }

    /** Existing segment files opened since this cache was created. */
    public int opened() {
        return opened.get();
    }

    public Path pathFor(DataFile f) {
        String name = f.path().substring(f.path().lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String stem = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9._-]", "_");
        return dir.resolve(stem + "-" + f.checksum().replace(':', '-') + "-" + f.sizeBytes() + ".tseg");
    }

    /**
     * The segment of shard {@code f}: the cached file if it checks out, else one built from the shard.
     *
     * @param source where to read the shard from (called only when a build is needed; for a remote index this
     *               fetches and verifies the shard into the file cache)
     */
    public ShardSegment open(DataFile f, ShardSpec spec, ResidualCodec codec, Supplier<FileSource.Shard> source) {
        Path p = pathFor(f);
        if (Files.isRegularFile(p)) {
            try {
                ShardSegment s = map(p, f, spec, verifyOnOpen);
                opened.incrementAndGet();
                return s;
            } catch (StaleSegmentException e) {
                LOG.warn("serving segment {} cannot be used ({}); rebuilding it from {}", p, e.getMessage(), f.path());
            }
        }
        long t0 = System.nanoTime();
        // Parquet holds a row group's pages (up to the whole shard), plus cells and IVF entries and rows, roughly
        long need = f.sizeBytes() + 8 * f.tokenCount() + f.recordCount() * 96;
        int permits = (int) Math.min(budgetMiB, Math.max(1, need >> 20));
        buildBudget.acquireUninterruptibly(permits);
        try {
            SegmentBuilder.build(source.get(), f, spec, codec, p);
        } finally {
            buildBudget.release(permits);
        }
        // a full check of what reached the disk, once, when it is new
        ShardSegment s;
        try {
            s = map(p, f, spec, true);
        } catch (StaleSegmentException e) {
            throw new UncheckedIOException(new IOException("serving segment " + p + " fails its checks right after "
                    + "it was written: " + e.getMessage()));
        }
        built.incrementAndGet();
        LOG.debug("built serving segment {} ({} rows, {} tokens) in {} ms", p, s.rows(), s.tokens(),
                (System.nanoTime() - t0) / 1_000_000);
        return s;
    }

    private ShardSegment map(Path p, DataFile f, ShardSpec spec, boolean fullCheck) {
        ChunkedMappedData d = ChunkedMappedData.map(p, chunkPower);
        String what = "serving segment " + p;
        SegmentHeader h = SegmentHeader.decode(d, what);
        expect(h.sourceChecksum().equals(f.checksum()) && h.sourceSize() == f.sizeBytes(), what,
                "built from a shard with checksum " + h.sourceChecksum() + " and " + h.sourceSize() + " bytes, not "
                        + f.checksum() + " and " + f.sizeBytes());
        expect(h.dim() == spec.dim() && h.nbits() == spec.nbits() && h.numCentroids() == spec.numCentroids(), what,
                "dim/nbits/centroids " + h.dim() + "/" + h.nbits() + "/" + h.numCentroids() + " differ from the index's");
        expect(h.rows() == f.recordCount() && h.tokens() == f.tokenCount(), what, h.rows() + " rows and " + h.tokens()
                + " tokens, the manifest says " + f.recordCount() + " and " + f.tokenCount());
        expect(h.rows() <= Integer.MAX_VALUE - 8, what, "more rows than an int holds");
        expect(d.length() == h.fileLength(), what, d.length() + " bytes, its header implies " + h.fileLength()
                + " (truncated or overwritten)");
        int rows = (int) h.rows();
        expect(d.getLong(h.at(Section.DOC_OFFSETS) + 8L * rows) == h.tokens()
                && d.getLong(h.at(Section.CELL_OFFSETS) + 8L * rows) == h.cells()
                && d.getLong(h.at(Section.ID_OFFSETS) + 8L * rows) == h.idBytes()
                && d.getLong(h.at(Section.IVF_OFFSETS) + 8L * h.numCentroids()) == h.cells(), what,
                "offset tables do not end at the counts");
        if (rows > 0) {
            long first = d.getLong(h.at(Section.PIDS));
            long last = d.getLong(h.at(Section.PIDS) + 8L * (rows - 1));
            expect(first >= f.minPid() && last <= f.maxPid(), what, "holds pids " + first + " … " + last
                    + ", the shard's are " + f.minPid() + " … " + f.maxPid());
        }
        if (fullCheck) {
            for (Section s : Section.values()) {
                expect(crc(d, h.at(s), h.length(s)) == h.crc(s), what, "checksum mismatch in section " + s);
            }
        }
        return new ShardSegment(f.path(), h, d);
    }

    private static int crc(MappedData d, long from, long length) {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[(int) Math.min(1 << 20, Math.max(1, length))];
        for (long at = 0; at < length; at += buf.length) {
            int n = (int) Math.min(buf.length, length - at);
            d.getBytes(from + at, buf, 0, n);
            crc.update(buf, 0, n);
        }
        return (int) crc.getValue();
    }

    private static void expect(boolean ok, String what, String message) {
        if (!ok) {
            throw new StaleSegmentException(what + ": " + message);
        }
    }
}
