package io.tartan.format.codec;

/**
 * Centroid ids ("codes") of a document's tokens, stored little-endian unsigned in the smallest width that fits the
 * number of centroids: 1 byte up to 256 centroids, 2 bytes up to 65,536, else 4 (FORMAT.md, "Codes"). ColBERT stores
 * int32; at nbits 2 and dim 128 the 2-byte width alone saves 2 of ColBERT's 36 bytes per token.
 */
public final class CentroidCodes {
    private CentroidCodes() {
    }

    public static int width(int numCentroids) {
        if (numCentroids <= 0) {
            throw new IllegalArgumentException("number of centroids must be positive, got " + numCentroids);
        }
        if (numCentroids <= 1 << 8) {
            return 1;
        }
        return numCentroids <= 1 << 16 ? 2 : 4;
    }

    public static byte[] encode(int[] codes, int off, int n, int width) {
        byte[] out = new byte[n * width];
        for (int i = 0; i < n; i++) {
            int c = codes[off + i];
            for (int b = 0; b < width; b++) {
                out[i * width + b] = (byte) (c >>> (8 * b));
            }
        }
        return out;
    }

    public static int count(byte[] encoded, int width) {
        if (encoded.length % width != 0) {
            throw new IllegalArgumentException("codes length " + encoded.length + " is not a multiple of width " + width);
        }
        return encoded.length / width;
    }

    /** Decodes into {@code out[outOff ..]}; returns the number of codes. */
    public static int decode(byte[] encoded, int width, int[] out, int outOff) {
        int n = count(encoded, width);
        for (int i = 0; i < n; i++) {
            int c = 0;
            for (int b = 0; b < width; b++) {
                c |= (encoded[i * width + b] & 0xff) << (8 * b);
            }
            out[outOff + i] = c;
        }
        return n;
    }

    public static int[] decode(byte[] encoded, int width) {
        int[] out = new int[count(encoded, width)];
        decode(encoded, width, out, 0);
        return out;
    }
}
