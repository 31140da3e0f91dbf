package io.tartan.query.load;

import io.tartan.format.CorruptFileException;
import io.tartan.format.IndexFormatException;
import io.tartan.format.io.ByteArrayInputFile;
import io.tartan.format.io.Checksums;
import io.tartan.format.manifest.DataFile;
import io.tartan.query.storage.IndexStorage;
import io.tartan.query.storage.LocalStorage;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Where the files of a snapshot are read from: the index itself, or, for remote storage, a local cache keyed by
 * relative path and checksum. Index data files are write-once, so a cached copy whose checksum matches the manifest
 * is the file; a cached copy that does not match is fetched again. Every read is verified against the size and
 * checksum the manifest recorded, naming the file when either differs.
 */
public final class FileSource {
    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);

    private final IndexStorage storage;
    private final Path cacheDir;

    /** A verified shard, ready for the Parquet reader; {@code name} for messages. */
    public record Shard(InputFile in, String name) {
    }

    /**
     * @param cacheDir local cache folder, or null to read remote files directly
     * @param forceCache cache even a local index (for tests of the cache)
     */
    public FileSource(IndexStorage storage, Path cacheDir, boolean forceCache) {
        this.storage = storage;
        boolean remote = storage.localFile("") == null;
        this.cacheDir = cacheDir != null && (remote || forceCache) ? cacheDir : null;
    }

    public IndexStorage storage() {
        return storage;
    }

    public boolean caching() {
        return cacheDir != null;
    }

    /** Bytes of a file, verified against its manifest entry. */
    public byte[] read(DataFile f) {
        Path local = cacheDir != null ? cached(f) : storage.localFile(f.path());
        String name = local != null ? local.toString() : storage.describe(f.path());
        byte[] bytes = local != null ? LocalStorage.readFile(local) : storage.read(f.path());
        check(name, f, bytes.length, Checksums.crc32c(bytes));
        return bytes;
    }

    /**
     * A shard for reading: a local file (of a local index, or the verified cache copy of a remote one) is verified
     * streaming and then read from disk, so the heap never holds the whole file; a remote shard without a cache is
     * read once, verified and parsed from memory.
     */
    public Shard shard(DataFile f) {
        Path local = cacheDir != null ? cached(f) : storage.localFile(f.path());
        if (local == null) {
            return new Shard(new ByteArrayInputFile(read(f)), storage.describe(f.path()));
        }
        verify(local, f);
        return new Shard(new LocalInputFile(local), local.toString());
    }

    /** The verified local copy of {@code f} in the cache, fetched if missing or corrupt. */
    private Path cached(DataFile f) {
        Path entryRoot = cacheDir.resolve(f.checksum().replace(':', '-') + "-" + f.sizeBytes());
        Path local = entryRoot.resolve(f.path());
        if (Files.isRegularFile(local)) {
            try {
                verify(local, f);
                return local;
            } catch (CorruptFileException e) {
                LOG.warn("cached copy {} is corrupt; fetching {} again", local, f.path());
            }
        }
        Path from = storage.localFile(f.path());
        byte[] bytes = from != null ? LocalStorage.readFile(from) : storage.read(f.path());
        check(from != null ? from.toString() : storage.describe(f.path()), f, bytes.length, Checksums.crc32c(bytes));
        try {
            Files.createDirectories(local.getParent());
            Path tmp = local.resolveSibling("." + local.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write cache entry " + local + ": " + e.getMessage(), e);
        }
        LOG.debug("cached {} ({} bytes) at {}", f.path(), bytes.length, local);
        return local;
    }

    /** Streams a local file through its checksum (shards can be larger than a small server's heap). */
    private static void verify(Path p, DataFile f) {
        CRC32C crc = new CRC32C();
        long size = 0;
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                crc.update(buf, 0, r);
                size += r;
            }
        } catch (NoSuchFileException e) {
            throw new IndexFormatException(p + ": file not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
        check(p.toString(), f, size, Checksums.format(crc.getValue()));
    }

    private static void check(String name, DataFile f, long size, String actual) {
        Checksums.check(name, f.sizeBytes(), size, f.checksum(), actual);
    }
}
