package io.tartan.query.segment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * How a derived file of the cache directory (a serving segment, a centroid grouping) is written: to a temporary
 * {@code .<name>.<uuid>.tmp} in the same folder, forced to disk, then renamed over the file atomically. A reader never
 * sees a partial file, two processes writing the same file both leave a whole one, and a writer that dies leaves
 * only a temporary file, which {@link SegmentCache} removes later.
 */
final class CacheFileWriter {
    /** Writes a file's content to the channel of its temporary file; returns what the caller wants back. */
    interface Content<T> {
        T write(FileChannel ch) throws IOException;
    }

    private CacheFileWriter() {
    }

    static <T> T write(Path out, Content<T> content) throws IOException {
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling("." + out.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            T result;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                result = content.write(ch);
                ch.force(true);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return result;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
