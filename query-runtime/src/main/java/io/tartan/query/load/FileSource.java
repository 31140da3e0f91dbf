package io.tartan.query.load;

import io.tartan.format.CorruptFileException;
import io.tartan.format.IndexLayout;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.DataFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Where the files of a snapshot are read from: the index itself, or, for remote file systems (anything but
 * {@code file:}), a local cache keyed by relative path and checksum. Index data files are write-once, so a cached
 * copy whose checksum matches the manifest is the file; a cached copy that does not match is fetched again.
 */
public final class FileSource {
    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);

    private final Configuration conf;
    private final IndexLayout layout;
    private final java.nio.file.Path cacheDir;

    /**
     * @param cacheDir local cache folder, or null to read remote files directly
     * @param forceCache cache even a local index (for tests of the cache)
     */
    public FileSource(Configuration conf, IndexLayout layout, java.nio.file.Path cacheDir, boolean forceCache) {
        this.conf = conf;
        this.layout = layout;
        String scheme = layout.root().toUri().getScheme();
        boolean remote = scheme != null && !"file".equals(scheme);
        this.cacheDir = cacheDir != null && (remote || forceCache) ? cacheDir : null;
    }

    public org.apache.hadoop.conf.Configuration conf() {
        return conf;
    }

    public boolean caching() {
        return cacheDir != null;
    }

    /** Bytes of a file, verified against its manifest entry. */
    public byte[] read(DataFile f) {
        return IndexFiles.readVerified(conf, layoutFor(f).resolve(f.path()), f.sizeBytes(), f.checksum());
    }

    /**
     * The layout to read {@code f} through: the index's own, or a cache entry root holding a verified local copy at
     * the same relative path (so readers that take a layout, like the shard reader, read the copy).
     */
    public IndexLayout layoutFor(DataFile f) {
        if (cacheDir == null) {
            return layout;
        }
        java.nio.file.Path entryRoot = cacheDir.resolve(f.checksum().replace(':', '-') + "-" + f.sizeBytes());
        java.nio.file.Path local = entryRoot.resolve(f.path());
        IndexLayout cached = new IndexLayout(new Path(entryRoot.toUri()));
        if (Files.isRegularFile(local)) {
            try {
                IndexFiles.readVerified(conf, cached.resolve(f.path()), f.sizeBytes(), f.checksum());
                return cached;
            } catch (CorruptFileException e) {
                LOG.warn("cached copy {} is corrupt; fetching {} again", local, f.path());
            }
        }
        byte[] bytes = IndexFiles.readVerified(conf, layout.resolve(f.path()), f.sizeBytes(), f.checksum());
        try {
            Files.createDirectories(local.getParent());
            java.nio.file.Path tmp = local.resolveSibling("." + local.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write cache entry " + local + ": " + e.getMessage(), e);
        }
        LOG.debug("cached {} ({} bytes) at {}", f.path(), bytes.length, local);
        return cached;
    }
}
