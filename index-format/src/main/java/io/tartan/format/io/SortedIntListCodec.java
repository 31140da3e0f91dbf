package io.tartan.format.io;

import java.nio.ByteBuffer;

/**
 * Encodes a strictly ascending list of non-negative ints (pids): {@code varint n}, and if {@code n > 0}
 * {@code varint first}, {@code u8 w}, then the {@code n − 1} gaps minus one bit-packed {@code w} bits each, {@code w}
 * being the width of the largest such value (FORMAT.md "Sorted pid lists"). Used by IVF lists and deletion vectors.
 */
public final class SortedIntListCodec {
    private SortedIntListCodec() {
    }

    public static void write(ByteSink out, int[] values, int off, int n, long[] scratch) {
        Varints.write(out, n);
        if (n == 0) {
            return;
        }
        Varints.write(out, values[off]);
        long max = 0;
        for (int i = 1; i < n; i++) {
            long gap = (long) values[off + i] - values[off + i - 1] - 1;
            if (gap < 0) {
                throw new IllegalArgumentException("list is not strictly ascending at index " + i);
            }
            scratch[i - 1] = gap;
            max = Math.max(max, gap);
        }
        int width = BitPacking.bitsRequired(max);
        out.put((byte) width);
        BitPacking.pack(scratch, 0, n - 1, width, out);
    }

    /** Reads one list's length. Follow with {@link #readValues} to decode it. */
    public static int readLength(ByteBuffer in) {
        return Math.toIntExact(Varints.read(in));
    }

    /** Decodes {@code n} values into {@code out[outOff ..]}; {@code scratch} must hold {@code n − 1} longs. */
    public static void readValues(ByteBuffer in, int n, int[] out, int outOff, long[] scratch) {
        if (n == 0) {
            return;
        }
        long v = Varints.read(in);
        out[outOff] = Math.toIntExact(v);
        int width = in.get() & 0xff;
        BitPacking.unpack(in, n - 1, width, scratch, 0);
        for (int i = 0; i < n - 1; i++) {
            v += scratch[i] + 1;
            out[outOff + i + 1] = Math.toIntExact(v);
        }
    }
}
