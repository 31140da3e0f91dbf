package io.tartan.jobs.update;

import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

/**
 * Makes a scheduled update idempotent: every update commit records the id of its batch (given, or a fingerprint of
 * its input files: path, size and modification time of each upsert file, and the delete file's), and a run whose
 * batch is already part of the current snapshot's history does nothing. A rollback to before the batch removes it
 * from that history, so the batch can be applied again.
 */
public final class AppliedBatch {
    public static final String PROPERTY = "update.batch-id";

    private AppliedBatch() {
    }

    /** A fingerprint of the inputs of a run ({@code null} URIs are absent inputs). */
    public static String fingerprint(Configuration conf, String upsert, String delete) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String uri : new String[] {upsert, delete}) {
                md.update((uri == null ? "-" : uri).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                if (uri != null) {
                    for (FileStatus st : files(conf, uri)) {
                        md.update((st.getPath().getName() + "|" + st.getLen() + "|" + st.getModificationTime() + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<FileStatus> files(Configuration conf, String uri) {
        Path p = new Path(uri);
        try {
            FileSystem fs = p.getFileSystem(conf);
            FileStatus st = fs.getFileStatus(p);
            List<FileStatus> out = new ArrayList<>();
            if (st.isFile()) {
                out.add(st);
            } else {
                for (FileStatus f : fs.listStatus(p)) {
                    if (f.isFile() && !f.getPath().getName().startsWith(".") && !f.getPath().getName().startsWith("_")) {
                        out.add(f);
                    }
                }
                out.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
            }
            return out;
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("input not found: " + uri);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * The version that applied {@code batchId} in the history of {@code latest}: walking back version by version to
     * the last build, and from a rollback to the snapshot it restored.
     */
    public static OptionalLong find(ManifestStore store, Manifest latest, String batchId) {
        List<Long> versions = store.versions();
        Manifest cur = latest;
        while (true) {
            if (batchId.equals(cur.properties().get(PROPERTY)) && !Manifest.OP_ROLLBACK.equals(cur.operation())) {
                return OptionalLong.of(cur.version());
            }
            if (Manifest.OP_BUILD.equals(cur.operation())) {
                return OptionalLong.empty();
            }
            long prev = cur.version() - 1;
            if (Manifest.OP_ROLLBACK.equals(cur.operation())) {
                String to = cur.properties().get("rollback-to-version");
                prev = to == null ? -1 : Long.parseLong(to);
            }
            if (!versions.contains(prev)) {
                return OptionalLong.empty();
            }
            cur = store.read(prev);
        }
    }
}
