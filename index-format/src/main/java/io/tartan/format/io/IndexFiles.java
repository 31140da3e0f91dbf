package io.tartan.format.io;

import io.tartan.format.CorruptFileException;
import io.tartan.format.IndexFormatException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Whole-file reads and writes through Hadoop's {@link FileSystem}, so {@code file:} and {@code s3a:} behave alike.
 * Index files are small enough (shards are tens of MB) to verify and parse from memory.
 */
public final class IndexFiles {
    private IndexFiles() {
    }

    /**
     * The file system for {@code path}. Hadoop's local file system writes {@code .crc} side files and verifies them on
     * read; index files carry their own checksums, so the raw local file system is used instead.
     */
    public static FileSystem fileSystem(Configuration conf, Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /** Reads a whole file. */
    public static byte[] readAll(Configuration conf, Path path) {
        try {
            FileSystem fs = fileSystem(conf, path);
            try (FSDataInputStream in = fs.open(path)) {
                long len = fs.getFileStatus(path).getLen();
                if (len > Integer.MAX_VALUE - 16) {
                    throw new IndexFormatException(path + ": file of " + len + " bytes is too large to read whole");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream((int) len);
                in.transferTo(out);
                return out.toByteArray();
            }
        } catch (FileNotFoundException e) {
            throw new IndexFormatException(path + ": file not found", e);
        } catch (ChecksumException e) {
            throw new CorruptFileException(path + ": checksum mismatch reported by the file system: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a whole file and checks its size and checksum against what the manifest recorded.
     *
     * @throws CorruptFileException naming the file when either differs
     */
    public static byte[] readVerified(Configuration conf, Path path, long expectedSize, String expectedChecksum) {
        byte[] bytes = readAll(conf, path);
        if (expectedSize >= 0 && bytes.length != expectedSize) {
            throw new CorruptFileException(path + ": size " + bytes.length + " bytes, manifest says " + expectedSize);
        }
        if (expectedChecksum != null) {
            String actual = Checksums.crc32c(bytes);
            if (!actual.equals(expectedChecksum)) {
                throw new CorruptFileException(path + ": checksum mismatch (file " + actual + ", manifest "
                        + expectedChecksum + "); the file is corrupt or was replaced");
            }
        }
        return bytes;
    }

    /** Writes a whole file, failing if it already exists (data files are write-once). */
    public static void writeNew(Configuration conf, Path path, byte[] bytes) {
        try {
            FileSystem fs = fileSystem(conf, path);
            try (FSDataOutputStream out = fs.create(path, false)) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
