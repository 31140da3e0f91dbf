package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;

/**
 * PLAID stage 4 (and exhaustive search, and rerank): MaxSim against the decompressed documents, computed without
 * decompressing. A per-query table maps each packed residual byte to its contribution to every query token's score,
 * so a document token costs {@code dim·nbits/8} table lookups per 16 query tokens instead of a reconstruction and
 * {@code dim} multiply-adds per query token; the stored {@code 1/‖c + r̂‖} makes the result the re-normalised score.
 */
public final class ExactScorer {
    private final LateInteractionKernels kernels;
    private final IndexSnapshot snap;
    private final QueryMatrix query;
    private final float[] centroidScores;
    private final float[] table;
    private final float[] max;
    private final DocBuffers doc;
    private final RowLocator loc;

    ExactScorer(LateInteractionKernels kernels, IndexSnapshot snap, QueryMatrix query, float[] centroidScores,
            float[] table, float[] max) {
        this.kernels = kernels;
        this.snap = snap;
        this.query = query;
        this.centroidScores = centroidScores;
        this.table = table;
        this.max = max;
        this.doc = DocBuffers.get(snap.maxDoclen(), snap.residualBytesPerToken());
        this.loc = new RowLocator(snap);
        kernels.residualTable(query.transposed(), query.nqPad(), snap.dim(), snap.codec().nbits(),
                snap.codec().bucketWeights(), table);
    }

    static long tableFloats(IndexSnapshot snap, int nqPad) {
        return (long) snap.residualBytesPerToken() * 256 * nqPad;
    }

    /** Exact MaxSim of the document at {@code row}: its tokens are copied from the mapped segment, then scored. */
    public float score(int row) {
        int n = loc.at(row).tokens(loc.local(row), doc.codes, doc.residuals, doc.invNorms);
        return kernels.residualMaxSim(centroidScores, table, query.nqPad(), doc.codes, doc.residuals,
                snap.residualBytesPerToken(), doc.invNorms, 0, n, max);
    }

    /** Scores {@code rows[0..count)} and keeps the best {@code k} in {@code top}. */
    void rank(int[] rows, int count, TopK top) {
        for (int j = 0; j < count; j++) {
            top.offer(rows[j], score(rows[j]));
        }
    }
}
