package io.tartan.format.io;

/**
 * Reads what {@link BitWriter} writes, from {@code bytes[start .. end)}. Every read returns −1 instead of reading
 * past the end, so callers can name the file or document in their error.
 */
public final class BitReader {
    private final byte[] in;
    private final long end;
    private long pos;

    public BitReader(byte[] in, int start, int end) {
        this.in = in;
        this.pos = 8L * start;
        this.end = 8L * end;
    }

    /** A unary number, or −1 if the bits run out. */
    public long unary() {
        long ones = 0;
        while (pos < end) {
            int shift = (int) (pos & 7);
            int byteBits = (in[(int) (pos >>> 3)] & 0xff) >>> shift;
            int run = Integer.numberOfTrailingZeros(~byteBits);
            if (run < 8 - shift) {
                pos += run + 1;
                return ones + run;
            }
            ones += 8 - shift;
            pos += 8 - shift;
        }
        return -1;
    }

    /** A field of {@code width ≤ 62} bits, or −1 if the bits run out. */
    public long bits(int width) {
        if (pos + width > end) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < width; ) {
            int shift = (int) (pos & 7);
            int take = Math.min(8 - shift, width - i);
            v |= (long) (((in[(int) (pos >>> 3)] & 0xff) >>> shift) & ((1 << take) - 1)) << i;
            i += take;
            pos += take;
        }
        return v;
    }

    /** A Rice code with parameter {@code b} (as {@link BitWriter#rice}); −1 if the bits run out or it exceeds 2^62. */
    public long rice(int b) {
        long q = unary();
        if (q < 0 || q > Long.MAX_VALUE >>> (b + 1)) {
            return -1;
        }
        long low = bits(b);
        return low < 0 ? -1 : q << b | low;
    }

    /** Index of the first byte after the current one (where the next padded field would start). */
    public int nextByte() {
        return (int) ((pos + 7) >>> 3);
    }

    /** True if nothing but the zero padding of the current byte is left before the end. */
    public boolean atPaddedEnd() {
        if (end - pos >= 8) {
            return false;
        }
        return pos == end || ((in[(int) ((end >>> 3) - 1)] & 0xff) >>> (pos & 7)) == 0;
    }
}
