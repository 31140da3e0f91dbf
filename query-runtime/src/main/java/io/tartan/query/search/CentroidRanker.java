package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.segment.ShardSegment;

/**
 * PLAID stage 3: approximate MaxSim from centroid scores of every token ({@code Σ_i max_t S[code_t][i]}); keeps the
 * best {@code n} candidates for exact scoring. Each document cell is a random read of the query's score table, so
 * the table is packed small: bfloat16 (PLAID mode, as measured against the reference) or int8 with one scale (FAST
 * mode: half the bytes again, one 32-byte load a cell, the same recall on the synthetic set at 1× and 4×).
 */
final class CentroidRanker {
    /**
     * Candidates whose cells the int8 ranking copies before scoring them: 8 to 64 measured alike (Stage3Split,
     * docs/BENCHMARKS.md), 32 a little ahead; 32 documents of ~60 cells are 8 KB, inside L1.
     */
    static final int CELL_BLOCK = 32;
    /** Ints of the block buffer (where the longest document does not need more): 32 documents of 128 cells. */
    static final int CELL_BLOCK_INTS = 4096;

    private CentroidRanker() {
    }

    /**
     * {@link #rank} over the int8 table already in {@code s.int8Scores} (32 query-token columns), as {@link
     * CoarseCentroidScores} builds it.
     */
    static int rankInt8(LateInteractionKernels kernels, IndexSnapshot snap, int n, int count, SearchScratch s,
            StageTimes times) {
        if (count <= n) {
            return count;
        }
        TopK top = s.topK.reset(n);
        scoreInt8(kernels, snap, s, s.candidates, count, top, null);
        int kept = top.copyRows(s.candidates);
        times.lap(StageTimes.Stage.RANK);
        return kept;
    }

    /** Ranks {@code s.candidates[0..count)} in place; returns the new count. */
    static int rank(LateInteractionKernels kernels, IndexSnapshot snap, float[] scores, int nqPad, int n, int count,
            boolean int8, SearchScratch s, StageTimes times) {
        if (count <= n) {
            return count;
        }
        TopK top = s.topK.reset(n);
        score(kernels, snap, scores, nqPad, s.candidates, count, int8, s, times, top, null);
        int kept = top.copyRows(s.candidates);
        times.lap(StageTimes.Stage.RANK);
        return kept;
    }

    /**
     * The approximate score of every one of {@code rows[0..count)}, into {@code out} (same positions), whatever the
     * count: a partition's candidate pool needs them even where its own search would skip the stage.
     */
    static void scores(LateInteractionKernels kernels, IndexSnapshot snap, float[] scores, int nqPad, int[] rows,
            int count, boolean int8, SearchScratch s, float[] out) {
        score(kernels, snap, scores, nqPad, rows, count, int8, s, StageTimes.OFF, null, out);
    }

    /** Scores {@code rows[0..count)} into {@code top} or, if it is null, into {@code out}. */
    private static void score(LateInteractionKernels kernels, IndexSnapshot snap, float[] scores, int nqPad,
            int[] rows, int count, boolean int8, SearchScratch s, StageTimes times, TopK top, float[] out) {
        int[] cells = DocBuffers.get(snap.maxDoclen(), snap.residualBytesPerToken()).cells;
        RowLocator loc = new RowLocator(snap);
        if (nqPad == 32 && int8) {
            kernels.packScoresInt8x32(scores, snap.numCentroids(), s.int8Scores);
            times.lap(StageTimes.Stage.RANK_TABLE);
            scoreInt8(kernels, snap, s, rows, count, top, out);
        } else if (nqPad == 32) {
            // bfloat16 table: half the bytes, so the rows candidates hit at random mostly stay in L2
            kernels.packScores32(scores, snap.numCentroids(), s.packedScores);
            times.lap(StageTimes.Stage.RANK_TABLE);
            for (int j = 0; j < count; j++) {
                int row = rows[j];
                int m = loc.at(row).cells(loc.local(row), cells);
                keep(top, out, j, row, kernels.packedCentroidMaxSim32(s.packedScores, cells, 0, m, null, s.max));
            }
        } else {
            for (int j = 0; j < count; j++) {
                int row = rows[j];
                int m = loc.at(row).cells(loc.local(row), cells);
                keep(top, out, j, row, kernels.centroidMaxSim(scores, nqPad, cells, 0, m, null, s.max));
            }
        }
    }

    /**
     * The int8 table's centroid-only MaxSim of {@code rows[0..count)}, into {@code top} or {@code out}, in blocks of
     * {@link #CELL_BLOCK} candidates (fewer where their cells would overflow {@link DocBuffers#cellBlock}): first
     * every cell of the block is copied out of the mapping, then the block is scored. The cells are mostly not in
     * cache (at 4× the section is several times L3's share), and a kernel between two copies keeps the next
     * document's loads out of the CPU's reorder window, so copied one at a time the documents' cache misses came one
     * after another; copied back to back they overlap. Candidates come in row order, so a row's cell start is usually
     * the previous row's end, read once.
     */
    static void scoreInt8(LateInteractionKernels kernels, IndexSnapshot snap, SearchScratch s, int[] rows,
            int count, TopK top, float[] out) {
        DocBuffers buf = DocBuffers.get(snap.maxDoclen(), snap.residualBytesPerToken());
        int[] block = buf.cellBlock;
        int[] ends = buf.cellEnds;
        byte[] table = s.int8Scores;
        RowLocator loc = new RowLocator(snap);
        ShardSegment last = null;
        int lastLocal = -2;
        long end = 0;
        int j = 0;
        while (j < count) {
            int j0 = j;
            int used = 0;
            while (j < count && j - j0 < CELL_BLOCK) {
                int row = rows[j];
                ShardSegment seg = loc.at(row);
                int local = loc.local(row);
                long c0 = seg == last && local == lastLocal + 1 ? end : seg.cellStart(local);
                long e = seg.cellStart(local + 1);
                int n = (int) (e - c0);
                if (used + n > block.length) {
                    // long documents: the block ends early (the buffer holds at least one document)
                    break;
                }
                end = e;
                last = seg;
                lastLocal = local;
                seg.cells(c0, n, block, used);
                used += n;
                ends[j - j0] = used;
                j++;
            }
            int from = 0;
            for (int i = j0; i < j; i++) {
                // in steps of the table: the common scale does not change the order
                keep(top, out, i, rows[i], kernels.int8CentroidMaxSim32(table, block, from, ends[i - j0]));
                from = ends[i - j0];
            }
        }
    }

    private static void keep(TopK top, float[] out, int j, int row, float score) {
        if (top != null) {
            top.offer(row, score);
        } else {
            out[j] = score;
        }
    }
}
