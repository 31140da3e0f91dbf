package io.tartan.query.search;

import io.tartan.query.IndexSnapshot;

/**
 * FAST-mode stage 2: a first ranking from the IVF alone, as in WARP. A document's score for query token {@code i} is
 * the score of the best probed cell of {@code i} that lists it, or, when none does, an imputed score: the score of
 * {@code i}'s last probed cell (an upper bound of what the document's tokens could score). Only IVF entries are
 * touched, not document tokens, so this costs about {@code nq · ncells · |cell|} updates; keeps the best {@code ndocs}.
 */
final class ProbeScoreFilter {
    private ProbeScoreFilter() {
    }

    /** Filters {@code s.candidates[0..count)} (from {@link CellProbe}) in place; returns the new count. */
    static int filter(IndexSnapshot snap, int nq, int ndocs, int count, SearchScratch s) {
        if (count <= ndocs) {
            return count;
        }
        int n = s.probeWidth;
        int[] ivfOffsets = snap.ivfOffsets();
        int[] ivfRows = snap.ivfRows();
        for (int j = 0; j < count; j++) {
            int row = s.candidates[j];
            s.docScore[row] = 0;
            s.docToken[row] = -1;
        }
        // scores are relative to the imputed value: a hit adds (cell score − imputed), a miss adds 0
        for (int i = 0; i < nq; i++) {
            float imputed = s.probeScores[i * n + n - 1];
            for (int e = i * n; e < (i + 1) * n; e++) {
                float gain = s.probeScores[e] - imputed;
                int c = s.probeCells[e];
                for (int x = ivfOffsets[c]; x < ivfOffsets[c + 1]; x++) {
                    int row = ivfRows[x];
                    if (s.docToken[row] != i) {
                        s.docToken[row] = i;
                        s.docScore[row] += gain;
                    }
                }
            }
        }
        TopK top = s.topK.reset(ndocs);
        for (int j = 0; j < count; j++) {
            int row = s.candidates[j];
            top.offer(row, s.docScore[row]);
        }
        return top.copyRows(s.candidates);
    }
}
