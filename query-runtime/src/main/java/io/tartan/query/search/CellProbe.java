package io.tartan.query.search;

import io.tartan.query.IndexSnapshot;

import java.util.Arrays;

/**
 * PLAID stage 1: for each query token the {@code ncells} centroids it scores highest against, and the documents
 * the IVF lists under the union of those cells. One pass over the {@code [C][nqPad]} centroid-score table keeps a
 * small sorted list per query token; a centroid is looked at only when it beats a token's current worst. The lists
 * stay in the scratch ({@code probeCells}, {@code probeScores}, best first) for {@link ProbeScoreFilter}.
 */
final class CellProbe {
    private CellProbe() {
    }

    /** Writes candidate rows to {@code s.candidates}; returns how many. */
    static int candidates(IndexSnapshot snap, float[] scores, int nq, int nqPad, int ncells, SearchScratch s) {
        int k = snap.numCentroids();
        int n = Math.min(ncells, k);
        s.ensureProbe(nq * n);
        s.probeWidth = n;
        float[] best = s.probeScores;
        int[] cells = s.probeCells;
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        float[] worst = new float[nq];
        Arrays.fill(worst, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < k; c++) {
            int o = c * nqPad;
            for (int i = 0; i < nq; i++) {
                float v = scores[o + i];
                if (v > worst[i]) {
                    // insertion into token i's descending list, dropping its last entry
                    int base = i * n;
                    int j = n - 1;
                    while (j > 0 && best[base + j - 1] < v) {
                        best[base + j] = best[base + j - 1];
                        cells[base + j] = cells[base + j - 1];
                        j--;
                    }
                    best[base + j] = v;
                    cells[base + j] = c;
                    worst[i] = best[base + n - 1];
                }
            }
        }
        int epoch = s.nextEpoch();
        int[] ivfOffsets = snap.ivfOffsets();
        int[] ivfRows = snap.ivfRows();
        int count = 0;
        for (int e = 0; e < nq * n; e++) {
            int c = cells[e];
            if (best[e] == Float.NEGATIVE_INFINITY || s.cellStamp[c] == epoch) {
                continue;
            }
            s.cellStamp[c] = epoch;
            for (int i = ivfOffsets[c]; i < ivfOffsets[c + 1]; i++) {
                int row = ivfRows[i];
                if (s.docStamp[row] != epoch) {
                    s.docStamp[row] = epoch;
                    s.candidates[count++] = row;
                }
            }
        }
        return count;
    }
}
