package io.tartan.format.codec;

import io.tartan.format.IndexFormatException;
import io.tartan.format.io.BitReader;
import io.tartan.format.io.BitWriter;
import io.tartan.format.io.ByteSink;

/**
 * The {@code codes} of one document in a shard (FORMAT.md "Codes"): the document's centroid codes in ascending
 * order, as runs of equal codes. Each run is the gap from the previous run's code, Rice-coded with one parameter
 * {@code b} per document, followed by the run length in unary:
 * <pre>
 * u8   b                                Rice parameter, 0 ≤ b ≤ 31
 * bits for each run j = 0, 1, …:        (code_j = the run's code, code_{−1} = −1, count_j ≥ 1 tokens)
 *        g = code_j − code_{j−1} − 1    (≥ 0: runs are strictly ascending)
 *        g >>> b one-bits, a zero-bit   (unary quotient)
 *        the b low bits of g            (least significant first)
 *        count_j − 1 one-bits, a zero-bit
 *      until the counts add up to doclen; the stream is packed least significant bit first into bytes
 *      (bit i of the stream is bit i mod 8 of byte i / 8) and padded with zero bits to a whole byte.
 * </pre>
 * Example: codes {@code 3 3 7 20}, b = 2 → {@code 02 CE 0E}.
 *
 * <p>Why this layout: MaxSim does not depend on token order, so a document's tokens are stored sorted by code (their
 * residuals permuted with them), and a sorted list of {@code n} codes out of {@code k} needs about
 * {@code log2(k / n) + 1.5} bits a code instead of 16. Documents repeat centroids (a token type occurring twice
 * lands in the same cell), which the run lengths store in about a bit each. The writer picks the {@code b} that
 * makes the document shortest. On the synthetic benchmark this is about 0.9 bytes a token against 2 for fixed-width
 * codes.
 */
public final class SortedCodes {
    static final int MAX_B = 31;

    private SortedCodes() {
    }

    /**
     * Encodes non-decreasing codes {@code codes[off .. off+n)}.
     *
     * @throws IllegalArgumentException if they are negative, decreasing or {@code n == 0}
     */
    public static byte[] encode(int[] codes, int off, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("no codes to encode");
        }
        long[] gaps = new long[n];
        int[] counts = new int[n];
        int runs = 0;
        for (int i = 0; i < n; i++) {
            int c = codes[off + i];
            if (c < 0 || (i > 0 && c < codes[off + i - 1])) {
                throw new IllegalArgumentException("codes must be non-negative and ascending, got " + c + " at " + i);
            }
            if (i == 0 || c != codes[off + i - 1]) {
                gaps[runs++] = (long) c - (i == 0 ? -1 : codes[off + i - 1]) - 1;
            }
            counts[runs - 1]++;
        }
        int b = BitWriter.bestRiceParameter(gaps, 0, runs, MAX_B);
        ByteSink out = new ByteSink();
        out.put((byte) b);
        BitWriter w = new BitWriter(out);
        for (int j = 0; j < runs; j++) {
            w.rice(gaps[j], b);
            w.unary(counts[j] - 1);
        }
        w.finish();
        return out.toByteArray();
    }

    /**
     * Decodes a document's {@code doclen} codes into {@code out[outOff ..]}, checking that the bytes are exactly one
     * well-formed list whose codes are below {@code numCentroids}.
     *
     * @param who names the document and file in errors
     * @throws IndexFormatException if the bytes are malformed
     */
    public static void decode(byte[] encoded, int doclen, int numCentroids, int[] out, int outOff, String who) {
        if (encoded.length < 2 || (encoded[0] & 0xff) > MAX_B) {
            throw new IndexFormatException(who + ": malformed codes (" + encoded.length + " bytes, Rice parameter "
                    + (encoded.length == 0 ? "missing" : Integer.toString(encoded[0] & 0xff)) + ")");
        }
        int b = encoded[0];
        BitReader in = new BitReader(encoded, 1, encoded.length);
        long code = -1;
        int n = 0;
        while (n < doclen) {
            long gap = in.rice(b);
            if (gap < 0) {
                throw new IndexFormatException(who + ": malformed codes (truncated at token " + n + ")");
            }
            code += gap + 1;
            long count = in.unary() + 1;
            if (code >= numCentroids || count <= 0 || count > doclen - n) {
                throw new IndexFormatException(who + ": malformed codes (code " + code + " of " + numCentroids
                        + " centroids, run of " + count + " at token " + n + " of " + doclen + ")");
            }
            for (long i = 0; i < count; i++) {
                out[outOff + n++] = (int) code;
            }
        }
        if (!in.atPaddedEnd()) {
            throw new IndexFormatException(who + ": malformed codes (" + encoded.length + " bytes hold more than "
                    + doclen + " codes)");
        }
    }

    public static int[] decode(byte[] encoded, int doclen, int numCentroids, String who) {
        int[] out = new int[doclen];
        decode(encoded, doclen, numCentroids, out, 0, who);
        return out;
    }
}
