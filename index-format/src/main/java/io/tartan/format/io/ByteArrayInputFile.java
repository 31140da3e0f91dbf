package io.tartan.format.io;

import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayInputStream;

/** A Parquet {@link InputFile} over bytes already in memory (and already checksum-verified). */
public final class ByteArrayInputFile implements InputFile {
    private final byte[] bytes;

    public ByteArrayInputFile(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public long getLength() {
        return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
        SeekableBytes in = new SeekableBytes(bytes);
        return new DelegatingSeekableInputStream(in) {
            @Override
            public long getPos() {
                return in.position();
            }

            @Override
            public void seek(long newPos) {
                in.seek((int) newPos);
            }
        };
    }

    private static final class SeekableBytes extends ByteArrayInputStream {
        SeekableBytes(byte[] b) {
            super(b);
        }

        int position() {
            return pos;
        }

        void seek(int p) {
            if (p < 0 || p > count) {
                throw new IllegalArgumentException("seek to " + p + " outside [0, " + count + "]");
            }
            pos = p;
        }
    }
}
