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
import java.util.zip.CRC32C;

/**
 * Whole-file reads and writes through Hadoop's {@link FileSystem}, so {@code file:} and {@code s3a:} behave alike.
 * Small index files are verified and parsed from memory; local shards can be verified by streaming ({@link #verify}).
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
        return read(conf, path, (in, len) -> {
            if (len > Integer.MAX_VALUE - 16) {
                throw new IndexFormatException(path + ": file of " + len + " bytes is too large to read whole");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) len);
            in.transferTo(out);
            return out.toByteArray();
        });
    }

    private interface StreamReader<T> {
        T read(FSDataInputStream in, long length) throws IOException;
    }

    /** Opens {@code path} and hands it to {@code reader}, turning I/O failures into errors that name the file. */
    private static <T> T read(Configuration conf, Path path, StreamReader<T> reader) {
        try {
            FileSystem fs = fileSystem(conf, path);
            try (FSDataInputStream in = fs.open(path)) {
                return reader.read(in, fs.getFileStatus(path).getLen());
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
        check(path, expectedSize, bytes.length, expectedChecksum, expectedChecksum == null ? null : Checksums.crc32c(bytes));
        return bytes;
    }

    /**
     * Checks a file's size and checksum against what the manifest recorded, streaming it through the checksum
     * instead of holding it (for files parsed from disk afterwards, such as shards read by a server with a small heap).
     *
     * @throws CorruptFileException naming the file when either differs
     */
    public static void verify(Configuration conf, Path path, long expectedSize, String expectedChecksum) {
        CRC32C crc = new CRC32C();
        long size = read(conf, path, (in, len) -> {
            byte[] buf = new byte[1 << 16];
            long n = 0;
            for (int r; (r = in.read(buf)) > 0; ) {
                crc.update(buf, 0, r);
                n += r;
            }
            return n;
        });
        check(path, expectedSize, size, expectedChecksum, Checksums.format(crc.getValue()));
    }

    private static void check(Path path, long expectedSize, long size, String expectedChecksum, String actual) {
        Checksums.check(path.toString(), expectedSize, size, expectedChecksum, actual);
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
