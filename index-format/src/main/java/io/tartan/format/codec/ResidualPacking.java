package io.tartan.format.codec;

/**
 * The bit layout of packed residuals, identical to ColBERT's {@code ResidualCodec.binarize} (FORMAT.md,
 * "Residual bit layout").
 *
 * <p>Each of the {@code dim} bucket indices of a token is written as {@code nbits} bits, least significant bit first;
 * the dims are written in order, giving a stream of {@code dim * nbits} bits. The stream is packed into bytes
 * most-significant-bit first ({@code numpy.packbits}, big-endian bit order). So for nbits = 2 a byte holds dims
 * {@code 4i .. 4i+3} as {@code b0(4i) b1(4i) b0(4i+1) b1(4i+1) ...} from bit 7 down to bit 0.
 *
 * <p>Decoding goes through a 256-entry table per nbits: each packed byte expands to {@code 8 / nbits} bucket indices,
 * so decompression touches one table row per byte instead of one branch per bit.
 */
public final class ResidualPacking {
    private static final int[][] UNPACK = new int[5][];

    static {
        for (int nbits : new int[] {1, 2, 4}) {
            int per = 8 / nbits;
            int[] table = new int[256 * per];
            for (int v = 0; v < 256; v++) {
                for (int j = 0; j < per; j++) {
                    int bucket = 0;
                    for (int b = 0; b < nbits; b++) {
                        int streamBit = j * nbits + b; // position within the byte, 0 = most significant
                        int bit = (v >>> (7 - streamBit)) & 1;
                        bucket |= bit << b;
                    }
                    table[v * per + j] = bucket;
                }
            }
            UNPACK[nbits] = table;
        }
    }

    private ResidualPacking() {
    }

    /** Checks that {@code nbits} and {@code dim} are a supported combination. */
    public static void requireSupported(int dim, int nbits) {
        if (nbits != 1 && nbits != 2 && nbits != 4) {
            throw new IllegalArgumentException("nbits must be 1, 2 or 4, got " + nbits);
        }
        if (dim <= 0 || dim % 8 != 0) {
            throw new IllegalArgumentException("dim must be a positive multiple of 8, got " + dim);
        }
    }

    /** Bytes of packed residual per token. */
    public static int bytesPerToken(int dim, int nbits) {
        return dim * nbits / 8;
    }

    /** Packs {@code dim} bucket indices (each {@code < 2^nbits}) starting at {@code buckets[bOff]}. */
    public static void pack(int[] buckets, int bOff, int dim, int nbits, byte[] out, int outOff) {
        int bytes = bytesPerToken(dim, nbits);
        int per = 8 / nbits;
        for (int i = 0; i < bytes; i++) {
            int v = 0;
            for (int j = 0; j < per; j++) {
                int bucket = buckets[bOff + i * per + j];
                for (int b = 0; b < nbits; b++) {
                    int streamBit = j * nbits + b;
                    v |= ((bucket >>> b) & 1) << (7 - streamBit);
                }
            }
            out[outOff + i] = (byte) v;
        }
    }

    /** Unpacks one token's bucket indices into {@code out[outOff .. outOff + dim)}. */
    public static void unpack(byte[] packed, int pOff, int dim, int nbits, int[] out, int outOff) {
        int[] table = UNPACK[nbits];
        int per = 8 / nbits;
        int bytes = bytesPerToken(dim, nbits);
        for (int i = 0; i < bytes; i++) {
            int row = (packed[pOff + i] & 0xff) * per;
            System.arraycopy(table, row, out, outOff + i * per, per);
        }
    }

    /** The expansion table: entry {@code byte * (8 / nbits) + j} is the bucket of the j-th dim in that byte. */
    static int[] unpackTable(int nbits) {
        return UNPACK[nbits];
    }
}
