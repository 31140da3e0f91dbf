package io.tartan.format.manifest;

import io.tartan.format.IndexFormatException;
import io.tartan.format.IndexLayout;
import io.tartan.format.io.IndexFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Lists, reads and commits snapshots of one index (FORMAT.md "Commits").
 *
 * <p>A commit creates {@code metadata/v<N>.manifest.json} if and only if it does not exist yet, atomically:
 * <ul>
 *   <li>local file systems: write a temporary file, then hard-link it to the final name (link creation fails
 *       atomically if the name exists), then remove the temporary name;</li>
 *   <li>object stores that support conditional create (S3A: {@code If-None-Match: *}): a single PUT that the store
 *       rejects if the key exists;</li>
 *   <li>anything else: {@code create(overwrite=false)}, which is only check-then-act; a warning says so.</li>
 * </ul>
 * The loser of a race gets {@link CommitConflictException} and nothing it wrote is referenced.
 */
public final class ManifestStore {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestStore.class);
    static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

    private final Configuration conf;
    private final IndexLayout layout;

    public ManifestStore(Configuration conf, IndexLayout layout) {
        this.conf = conf;
        this.layout = layout;
    }

    public IndexLayout layout() {
        return layout;
    }

    /** Committed versions, ascending. Empty if the index does not exist. */
    public List<Long> versions() {
        try {
            FileSystem fs = IndexFiles.fileSystem(conf, layout.root());
            FileStatus[] st;
            try {
                st = fs.listStatus(layout.metadataDir());
            } catch (FileNotFoundException e) {
                return List.of();
            }
            List<Long> out = new ArrayList<>();
            for (FileStatus s : st) {
                long v = IndexLayout.parseManifestVersion(s.getPath().getName());
                if (v > 0) {
                    out.add(v);
                }
            }
            Collections.sort(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + layout.metadataDir() + ": " + e.getMessage(), e);
        }
    }

    public OptionalLong latestVersion() {
        List<Long> v = versions();
        return v.isEmpty() ? OptionalLong.empty() : OptionalLong.of(v.get(v.size() - 1));
    }

    public Manifest read(long version) {
        Path p = layout.manifest(version);
        return ManifestJson.read(IndexFiles.readAll(conf, p), p.toString());
    }

    /** The newest snapshot; throws naming the root if there is none. */
    public Manifest readLatest() {
        OptionalLong v = latestVersion();
        if (v.isEmpty()) {
            throw new IndexFormatException(layout.root() + ": no index here (no " + IndexLayout.METADATA_DIR
                    + "/v<N>.manifest.json)");
        }
        return read(v.getAsLong());
    }

    /**
     * Publishes {@code m} as version {@code m.version()}.
     *
     * @throws CommitConflictException if that version already exists
     */
    public void commit(Manifest m) {
        byte[] json = ManifestJson.write(m);
        Path target = layout.manifest(m.version());
        try {
            FileSystem fs = IndexFiles.fileSystem(conf, target);
            fs.mkdirs(layout.metadataDir());
            if ("file".equals(fs.getUri().getScheme())) {
                commitLocal(fs, target, json);
            } else if (fs.hasPathCapability(target, CONDITIONAL_CREATE)) {
                commitConditional(fs, target, json);
            } else {
                LOG.warn("{} supports no atomic create-if-absent; concurrent commits of version {} are not detected "
                        + "reliably", fs.getUri().getScheme(), m.version());
                try (FSDataOutputStream out = fs.create(target, false)) {
                    out.write(json);
                }
            }
        } catch (FileAlreadyExistsException e) {
            throw conflict(target, e);
        } catch (IOException e) {
            if (isPreconditionFailure(e)) {
                throw conflict(target, e);
            }
            throw new UncheckedIOException("commit of " + target + " failed: " + e.getMessage(), e);
        }
        LOG.info("committed snapshot {} (version {}, {}) at {}", m.snapshotId(), m.version(), m.operation(), target);
    }

    private static CommitConflictException conflict(Path target, Exception e) {
        return new CommitConflictException("commit conflict: " + target + " was committed by another writer; "
                + "re-read the latest snapshot and retry on top of it", e);
    }

    private static void commitLocal(FileSystem fs, Path target, byte[] json) throws IOException {
        java.nio.file.Path dst = java.nio.file.Path.of(fs.makeQualified(target).toUri());
        java.nio.file.Path tmp = dst.resolveSibling("." + dst.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.write(tmp, json);
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.createLink(dst, tmp);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(dst.toString());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void commitConditional(FileSystem fs, Path target, byte[] json) throws IOException {
        FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(target).overwrite(false);
        builder.must(CONDITIONAL_CREATE, true);
        FSDataOutputStream out = builder.build();
        try (out) {
            out.write(json);
        }
    }

    /**
     * S3A reports a lost conditional create as RemoteFileChangedException (HTTP 412) at close; the SDK's own service
     * exception may surface the 412 too. Only exception types decide, never a bare "412" in a message: S3A messages
     * carry the path, and a path such as {@code v412.manifest.json} would turn a network error into a false conflict.
     */
    private static boolean isPreconditionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (isA(t, "org.apache.hadoop.fs.s3a.RemoteFileChangedException")) {
                return true;
            }
            if (isA(t, "software.amazon.awssdk.core.exception.SdkServiceException")
                    && String.valueOf(t.getMessage()).contains("Status Code: 412")) {
                return true;
            }
        }
        return false;
    }

    // by name: S3A and the AWS SDK are runtime dependencies only
    private static boolean isA(Throwable t, String className) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
