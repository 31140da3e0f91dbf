package io.tartan.format.shard;

import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.codec.SortedCodes;

import java.util.Arrays;
import java.util.Map;

/**
 * One document in a shard (FORMAT.md "Shards").
 *
 * @param pid       dense internal id, unique in the index
 * @param docId     the user's id
 * @param doclen    number of tokens
 * @param codes     the tokens' centroid codes in ascending order, encoded as {@link SortedCodes}
 * @param residuals {@code doclen} packed residuals, {@code dim·nbits/8} bytes each, in the order of the codes
 * @param metadata  optional user metadata, may be null
 */
public record ShardRow(long pid, String docId, int doclen, byte[] codes, byte[] residuals, Map<String, String> metadata) {

    /**
     * The row of one compressed document. Every writer (the local writer, the Spark jobs) builds rows here, so the
     * token layout inside a row is decided in one place: tokens sorted by centroid code (stable, so equal codes keep
     * their input order), residuals permuted with them. MaxSim does not depend on token order, and sorted codes
     * compress to about half their fixed width.
     *
     * @param codeWidth the index's code width; codes must fit in it
     */
    public static ShardRow of(long pid, String docId, ResidualCodec.Compressed c, int codeWidth,
            Map<String, String> metadata) {
        int[] codes = c.codes();
        int n = codes.length;
        if (n == 0 || c.residuals().length % n != 0) {
            throw new IllegalArgumentException("document '" + docId + "' (pid " + pid + "): " + n + " codes but "
                    + c.residuals().length + " residual bytes");
        }
        int bpt = c.residuals().length / n;
        long limit = codeWidth >= 4 ? 1L << 32 : 1L << (8 * codeWidth);
        long[] keyed = new long[n];
        for (int t = 0; t < n; t++) {
            if (codes[t] < 0 || codes[t] >= limit) {
                throw new IllegalArgumentException("document '" + docId + "' (pid " + pid + "): code " + codes[t]
                        + " does not fit " + codeWidth + " bytes");
            }
            keyed[t] = (long) codes[t] << 32 | t;
        }
        Arrays.sort(keyed);
        int[] sorted = new int[n];
        byte[] residuals = new byte[c.residuals().length];
        for (int i = 0; i < n; i++) {
            int t = (int) keyed[i];
            sorted[i] = (int) (keyed[i] >>> 32);
            System.arraycopy(c.residuals(), t * bpt, residuals, i * bpt, bpt);
        }
        return new ShardRow(pid, docId, n, SortedCodes.encode(sorted, 0, n), residuals, metadata);
    }

    /** The {@code doclen} codes, ascending. */
    public int[] decodeCodes(int numCentroids) {
        return SortedCodes.decode(codes, doclen, numCentroids, who());
    }

    /** Decodes the codes into {@code out[off ..]}. */
    public void decodeCodes(int numCentroids, int[] out, int off) {
        SortedCodes.decode(codes, doclen, numCentroids, out, off, who());
    }

    String who() {
        return "document '" + docId + "' (pid " + pid + ")";
    }
}
