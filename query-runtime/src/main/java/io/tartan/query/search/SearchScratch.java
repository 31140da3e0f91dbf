package io.tartan.query.search;

import java.util.Arrays;

/**
 * Per-thread working memory of one search, reused across queries so the hot path allocates nothing sized by the
 * index. Probed-cell de-duplication uses epoch stamps instead of clearing arrays between queries.
 *
 * <p>The query-sized arrays grow with {@code numCentroids × query tokens}; a query longer than {@link
 * #RETAINED_QUERY_TOKENS} tokens gets scratch of its own that is dropped when it ends, so one long query does not
 * pin hundreds of megabytes in every search thread for the life of the JVM.
 */
final class SearchScratch {
    private static final ThreadLocal<SearchScratch> LOCAL = ThreadLocal.withInitial(SearchScratch::new);
    /** Longest query (padded token count) whose scratch a thread keeps: ColBERT's query_maxlen is 32, long-query models use up to 128. */
    static final int RETAINED_QUERY_TOKENS = 128;
    /** The largest length the JVM allocates for an array. */
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /** One bit a row, all clear between queries: candidate de-duplication ({@link CellProbe} clears what it sets). */
    long[] candidateBits = new long[0];
    int[] cellStamp = new int[0];
    int epoch;
    int[] candidates = new int[0];
    float[] centroidScores = new float[0];
    float[] residualTable = new float[0];
    int[] packedScores = new int[0];
    byte[] int8Scores = new byte[0];
    float[] max = new float[0];
    final TopK topK = new TopK(1024);
    /** Per query token, the probed cells and their scores, best first (kernel output). */
    int[] probeCells = new int[0];
    float[] probeScores = new float[0];


    void ensureProbe(long n) {
        if (probeCells.length < n) {
            int len = length(n, "probed cells (query tokens × ncells)");
            probeCells = new int[len];
            probeScores = new float[len];
        }
    }

    /**
     * Scratch for one query: this thread's, or a fresh one for a query longer than {@link #RETAINED_QUERY_TOKENS}.
     *
     * @throws IllegalArgumentException if an array the query needs would exceed the JVM's array length limit
     */
    static SearchScratch get(int numDocs, int numCentroids, int nqPad, long tableFloats) {
        SearchScratch s = nqPad <= RETAINED_QUERY_TOKENS ? LOCAL.get() : new SearchScratch();
        s.ensure(numDocs, numCentroids, nqPad, tableFloats);
        return s;
    }

    private void ensure(int numDocs, int numCentroids, int nqPad, long tableFloats) {
        long scores = (long) numCentroids * nqPad;
        int scoreLen = length(scores, "centroid scores (" + numCentroids + " centroids × " + nqPad + " padded query tokens)");
        int tableLen = length(tableFloats, "the residual lookup table (" + nqPad + " padded query tokens)");
        if (candidates.length < numDocs) {
            candidateBits = new long[(numDocs + 63) >>> 6];
            candidates = new int[numDocs];
        }
        if (cellStamp.length < numCentroids) {
            cellStamp = new int[numCentroids];
        }
        if (centroidScores.length < scoreLen) {
            centroidScores = new float[scoreLen];
        }
        if (nqPad == 32 && packedScores.length < (long) numCentroids * 16) {
            packedScores = new int[length((long) numCentroids * 16, "packed centroid scores")];
        }
        if (nqPad == 32 && int8Scores.length < (long) numCentroids * 32) {
            int8Scores = new byte[length((long) numCentroids * 32, "int8 centroid scores")];
        }
        if (residualTable.length < tableLen) {
            residualTable = new float[tableLen];
        }
        if (max.length < nqPad) {
            max = new float[nqPad];
        }
    }

    private static int length(long n, String what) {
        if (n > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException(what + " need " + n + " entries, more than a Java array holds ("
                    + MAX_ARRAY_LENGTH + "); send fewer query tokens");
        }
        return (int) n;
    }

    /** A fresh stamp value: array entries equal to it were marked during the current query. */
    int nextEpoch() {
        if (++epoch == Integer.MAX_VALUE) {
            Arrays.fill(cellStamp, 0);
            epoch = 1;
        }
        return epoch;
    }
}
