package io.tartan.format.io;

/**
 * Writes a bit stream least significant bit first (stream bit {@code i} is bit {@code i mod 8} of byte {@code i / 8}),
 * with the two field kinds of Tartan's Rice codes: fixed-width fields (least significant bit first) and unary
 * numbers ({@code n} one-bits, then a zero-bit). {@link #finish} pads with zero bits to a whole byte.
 */
public final class BitWriter {
    private final ByteSink out;
    private long acc;
    private int bits;

    public BitWriter(ByteSink out) {
        this.out = out;
    }

    public void bits(long v, int width) {
        for (int i = 0; i < width; i++) {
            bit((int) (v >>> i) & 1);
        }
    }

    public void unary(long ones) {
        for (long i = 0; i < ones; i++) {
            bit(1);
        }
        bit(0);
    }

    /** {@code v} as a Rice code with parameter {@code b}: {@code v >>> b} in unary, then the {@code b} low bits. */
    public void rice(long v, int b) {
        unary(v >>> b);
        bits(v, b);
    }

    private void bit(int v) {
        acc |= (long) v << bits;
        if (++bits == 8) {
            out.put((byte) acc);
            acc = 0;
            bits = 0;
        }
    }

    /** Pads the last byte with zero bits. */
    public void finish() {
        if (bits > 0) {
            out.put((byte) acc);
            acc = 0;
            bits = 0;
        }
    }

    /** Length in bits of {@code v}'s Rice code with parameter {@code b}. */
    public static long riceBits(long v, int b) {
        return (v >>> b) + 1 + b;
    }

    /**
     * The Rice parameter in {@code [0, maxB]} that makes {@code values[off .. off+n)} shortest (the smallest one on
     * ties).
     */
    public static int bestRiceParameter(long[] values, int off, int n, int maxB) {
        int best = 0;
        long bestBits = Long.MAX_VALUE;
        for (int b = 0; b <= maxB; b++) {
            long total = 0;
            for (int i = off; i < off + n; i++) {
                total += riceBits(values[i], b);
            }
            if (total < bestBits) {
                bestBits = total;
                best = b;
            }
        }
        return best;
    }
}
