package io.tartan.format.io;

import java.nio.ByteBuffer;

/**
 * Fixed-width packing of non-negative ints: value {@code i} occupies bits {@code [i·w, (i+1)·w)} of a little-endian
 * bit stream (bit 0 of byte 0 first), padded to a whole byte. Width 0 stores nothing (all values zero).
 */
public final class BitPacking {
    private BitPacking() {
    }

    /** Bits needed for {@code v} (0 for 0). */
    public static int bitsRequired(long v) {
        return 64 - Long.numberOfLeadingZeros(v);
    }

    public static int packedBytes(int count, int width) {
        return (int) (((long) count * width + 7) / 8);
    }

    public static void pack(long[] values, int off, int count, int width, ByteSink out) {
        long acc = 0;
        int bits = 0;
        for (int i = 0; i < count; i++) {
            long v = values[off + i];
            int remaining = width;
            while (remaining > 0) {
                int take = Math.min(remaining, 64 - bits);
                long part = take == 64 ? v : v & ((1L << take) - 1);
                acc |= part << bits;
                bits += take;
                v = take == 64 ? 0 : v >>> take;
                remaining -= take;
                while (bits >= 8) {
                    out.put((byte) acc);
                    acc >>>= 8;
                    bits -= 8;
                }
            }
        }
        if (bits > 0) {
            out.put((byte) acc);
        }
    }

    /** Reads {@code count} values of {@code width} bits, advancing {@code in} past their padded bytes. */
    public static void unpack(ByteBuffer in, int count, int width, long[] out, int outOff) {
        int start = in.position();
        long bitPos = 0;
        long mask = width == 64 ? -1L : (1L << width) - 1;
        for (int i = 0; i < count; i++) {
            long v = 0;
            int got = 0;
            while (got < width) {
                int byteIdx = (int) (bitPos >>> 3);
                int bitInByte = (int) (bitPos & 7);
                int take = Math.min(8 - bitInByte, width - got);
                long bitsVal = ((in.get(start + byteIdx) & 0xff) >>> bitInByte) & ((1 << take) - 1);
                v |= bitsVal << got;
                got += take;
                bitPos += take;
            }
            out[outOff + i] = v & mask;
        }
        in.position(start + packedBytes(count, width));
    }
}
