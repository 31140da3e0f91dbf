package io.tartan.format.io;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * Wraps a Parquet {@link OutputFile} and computes the CRC32C and size of everything written, so a writer can record
 * the checksum in the manifest without reading the file back (which on S3 would mean downloading it).
 */
public final class ChecksummingOutputFile implements OutputFile {
    private final OutputFile delegate;
    private final CRC32C crc = new CRC32C();
    private long bytes;

    public ChecksummingOutputFile(OutputFile delegate) {
        this.delegate = delegate;
    }

    public String checksum() {
        return Checksums.format(crc.getValue());
    }

    public long bytesWritten() {
        return bytes;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return wrap(delegate.create(blockSizeHint));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return wrap(delegate.createOrOverwrite(blockSizeHint));
    }

    @Override
    public boolean supportsBlockSize() {
        return delegate.supportsBlockSize();
    }

    @Override
    public long defaultBlockSize() {
        return delegate.defaultBlockSize();
    }

    @Override
    public String getPath() {
        return delegate.getPath();
    }

    private PositionOutputStream wrap(PositionOutputStream out) {
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
