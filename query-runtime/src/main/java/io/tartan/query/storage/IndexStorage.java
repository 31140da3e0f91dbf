package io.tartan.query.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * Read access to the files of one index, by path relative to its root (FORMAT.md "Layout"). The core runtime reads
 * local indexes through {@link LocalStorage}; other URI schemes come from a {@link StorageProvider} (for example
 * tartan-query-runtime-hadoop for {@code s3a:}). Implementations are thread-safe.
 */
public interface IndexStorage {
    /** The index root as the user gave it, for messages. */
    String uri();

    /** The names of the files directly in {@code folder} (relative to the root); empty if it does not exist. */
    List<String> list(String folder);

    /**
     * The whole of a file.
     *
     * @throws io.tartan.format.IndexFormatException naming the file if it does not exist
     */
    byte[] read(String relativePath);

    /** The file on local disk, which readers may open directly; null for remote storage, whose files are read whole. */
    Path localFile(String relativePath);

    /** The full name of a file, for messages. */
    default String describe(String relativePath) {
        String root = uri();
        return root.endsWith("/") ? root + relativePath : root + "/" + relativePath;
    }
}
