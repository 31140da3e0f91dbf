package io.tartan.format.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * A Parquet {@link OutputFile} on a Hadoop file system that computes the CRC32C and size of everything written, so a
 * writer can record the checksum in the manifest without reading the file back (which on S3 would mean downloading
 * it). Files are created write-once ({@code overwrite=false}).
 */
public final class ChecksummingOutputFile implements OutputFile {
    private final FileSystem fs;
    private final Path path;
    private final CRC32C crc = new CRC32C();
    private long bytes;

    public ChecksummingOutputFile(Configuration conf, Path path) throws IOException {
        this.fs = IndexFiles.fileSystem(conf, path);
        this.path = path;
    }

    public String checksum() {
        return Checksums.format(crc.getValue());
    }

    public long bytesWritten() {
        return bytes;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return wrap(fs.create(path, false));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return wrap(fs.create(path, true));
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return fs.getDefaultBlockSize(path);
    }

    @Override
    public String getPath() {
        return path.toString();
    }

    private PositionOutputStream wrap(FSDataOutputStream out) {
        return new PositionOutputStream() {
            @Override
            public long getPos() throws IOException {
                return out.getPos();
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                crc.update(b);
                bytes++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                crc.update(b, off, len);
                bytes += len;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
