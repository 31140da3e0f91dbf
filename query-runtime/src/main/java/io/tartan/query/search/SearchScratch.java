package io.tartan.query.search;

import java.util.Arrays;

/**
 * Per-thread working memory of one search, reused across queries so the hot path allocates nothing sized by the
 * index. Candidate de-duplication uses epoch stamps instead of clearing arrays between queries.
 */
final class SearchScratch {
    private static final ThreadLocal<SearchScratch> LOCAL = ThreadLocal.withInitial(SearchScratch::new);

    int[] docStamp = new int[0];
    int[] cellStamp = new int[0];
    int epoch;
    int[] candidates = new int[0];
    float[] centroidScores = new float[0];
    float[] residualTable = new float[0];
    int[] packedScores = new int[0];
    float[] max = new float[0];
    final TopK topK = new TopK(1024);
    /** Per query token, the probed cells and their scores, best first (kernel output). */
    int[] probeCells = new int[0];
    float[] probeScores = new float[0];


    void ensureProbe(int n) {
        if (probeCells.length < n) {
            probeCells = new int[n];
            probeScores = new float[n];
        }
    }

    static SearchScratch get(int numDocs, int numCentroids, int nqPad, int tableFloats) {
        SearchScratch s = LOCAL.get();
        s.ensure(numDocs, numCentroids, nqPad, tableFloats);
        return s;
    }

    private void ensure(int numDocs, int numCentroids, int nqPad, int tableFloats) {
        if (docStamp.length < numDocs) {
            docStamp = new int[numDocs];
            candidates = new int[numDocs];
        }
        if (cellStamp.length < numCentroids) {
            cellStamp = new int[numCentroids];
        }
        if (centroidScores.length < numCentroids * nqPad) {
            centroidScores = new float[numCentroids * nqPad];
        }
        if (nqPad == 32 && packedScores.length < numCentroids * 16) {
            packedScores = new int[numCentroids * 16];
        }
        if (residualTable.length < tableFloats) {
            residualTable = new float[tableFloats];
        }
        if (max.length < nqPad) {
            max = new float[nqPad];
        }
    }

    /** A fresh stamp value: array entries equal to it were marked during the current query. */
    int nextEpoch() {
        if (++epoch == Integer.MAX_VALUE) {
            Arrays.fill(docStamp, 0);
            Arrays.fill(cellStamp, 0);
            epoch = 1;
        }
        return epoch;
    }
}
