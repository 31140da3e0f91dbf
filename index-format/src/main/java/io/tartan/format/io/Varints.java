package io.tartan.format.io;

import java.nio.ByteBuffer;

/** Unsigned LEB128 varints (7 bits a byte, low group first), as in protobuf and Lucene's VInt/VLong. */
public final class Varints {
    private Varints() {
    }

    public static void write(ByteSink out, long v) {
        if (v < 0) {
            throw new IllegalArgumentException("varints are unsigned: " + v);
        }
        while ((v & ~0x7fL) != 0) {
            out.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    public static long read(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("varint longer than 10 bytes");
    }
}
