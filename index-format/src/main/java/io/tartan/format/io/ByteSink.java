package io.tartan.format.io;

import java.util.Arrays;

/** A growable byte array for building variable-length file bodies. */
public final class ByteSink {
    private byte[] buf = new byte[1024];
    private int size;

    public void put(byte b) {
        ensure(1);
        buf[size++] = b;
    }

    public void put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }
}
