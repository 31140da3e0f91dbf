package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.format.kmeans.CentroidGrouping;
import io.tartan.query.IndexSnapshot;

import java.util.Arrays;

/**
 * FAST search without scoring every centroid ({@code ngroups}): stage 1 scores the query against the √(2k) group
 * centres of {@link CentroidGroups}, expands each query token's {@code ngroups} best groups, and scores every
 * centroid of the expanded groups (the union over the query's tokens) against the whole query, exactly as the full
 * {@code Q·Cᵀ} would (same kernel, bitwise the same values). The top ncells cells of each token are picked among the
 * scored centroids.
 *
 * <p>Centroids in no expanded group have no score. Stage 3's centroid-only MaxSim needs one for every candidate
 * token, so it gets an estimate, as WARP imputes missing similarities: for query token {@code i} and unexpanded group
 * {@code g}, {@code min(q_i·centre_g, floor_i)}, where {@code floor_i} is the lowest of token i's ncells probed
 * scores. The centre score is the group's typical member score (the centre is the normalised mean of its members),
 * and the floor keeps an unexpanded centroid from looking better than the cells the token probed. Stage 4 then
 * scores the codes of the kept documents that have no exact score yet (a few hundred centroids, gathered and scored
 * with the same kernel), so final scores are exact MaxSim, identical to the full path's for the same documents.
 *
 * <p>Per-thread scratch; a query uses it from {@link #probe} to {@link #exactRows}. Works on queries of 17–32
 * tokens (32 padded columns, the int8 stage-3 table); the searcher scores every centroid for other lengths.
 */
final class CoarseCentroidScores {
    static final int NQ_PAD = 32;
    private static final ThreadLocal<CoarseCentroidScores> LOCAL = ThreadLocal.withInitial(CoarseCentroidScores::new);

    private CentroidGroups groups;
    private float[] coarse = new float[0];
    private float[] groupBest = new float[0];
    private int[] groupCells = new int[0];
    /** Per group, its first row in {@link #compact} this query, or −1 for a group not expanded. */
    private int[] compactStart = new int[0];
    private int[] compactIds = new int[0];
    /** Scores of the expanded groups' centroids, {@code [scored × 32]}, group by group. */
    private float[] compact = new float[0];
    private float[] block = new float[0];
    private byte[] compactInt8 = new byte[0];
    private final byte[] estimate = new byte[NQ_PAD];
    private final float[] floor = new float[NQ_PAD];
    private int scored;
    private int nq;
    private int[] codeStamp = new int[0];
    private int epoch;
    private int[] lazy = new int[0];
    private float[] gather = new float[0];
    private float[] lazyScores = new float[0];

    private CoarseCentroidScores() {
    }

    static CoarseCentroidScores get() {
        return LOCAL.get();
    }

    /** Centroids scored exactly in stage 1 of the last query. */
    int scored() {
        return scored;
    }

    /**
     * Stage 1: scores the groups, expands each token's best {@code ngroups}, writes each token's top {@code ncells}
     * scored centroids to {@code s.probeCells} / {@code s.probeScores} (as {@link LateInteractionKernels#topCells},
     * −∞ where a token has fewer scored centroids); returns the number of entries, {@code nq × min(ncells, k)}.
     */
    int probe(LateInteractionKernels kernels, CentroidGroups groups, QueryMatrix q, int ngroups, int ncells,
            SearchScratch s, StageTimes times) {
        this.groups = groups;
        this.nq = q.nq();
        CentroidGrouping gr = groups.grouping;
        int dim = gr.dim();
        int g = gr.groups();
        coarse = grow(coarse, g * NQ_PAD);
        kernels.centroidScores(q.transposed(), NQ_PAD, gr.centres(), g, dim, coarse);
        int ng = Math.min(ngroups, g);
        groupBest = grow(groupBest, nq * ng);
        groupCells = growInts(groupCells, nq * ng);
        kernels.topCells(coarse, NQ_PAD, nq, g, ng, groupBest, groupCells);
        if (compactStart.length < g) {
            compactStart = new int[g];
        }
        Arrays.fill(compactStart, 0, g, -1);
        int k = gr.numCentroids();
        int rows = 0;
        for (int e = 0; e < nq * ng; e++) {
            int grp = groupCells[e];
            if (groupBest[e] != Float.NEGATIVE_INFINITY && compactStart[grp] < 0 && gr.size(grp) > 0) {
                compactStart[grp] = rows;
                rows += gr.size(grp);
            }
        }
        scored = rows;
        compact = grow(compact, rows * NQ_PAD);
        compactIds = growInts(compactIds, rows);
        block = grow(block, groups.maxGroupSize * NQ_PAD);
        for (int c = 0; c < g; c++) {
            int at = compactStart[c];
            if (at >= 0) {
                int size = gr.size(c);
                kernels.centroidScores(q.transposed(), NQ_PAD, groups.vectors[c], size, dim, block);
                System.arraycopy(block, 0, compact, at * NQ_PAD, size * NQ_PAD);
                System.arraycopy(gr.members(), gr.start()[c], compactIds, at, size);
            }
        }
        times.lap(StageTimes.Stage.CENTROID_SCORES);
        int n = Math.min(ncells, k);
        s.ensureProbe((long) nq * n);
        kernels.topCells(compact, NQ_PAD, nq, rows, n, s.probeScores, s.probeCells);
        for (int e = 0; e < nq * n; e++) {
            if (s.probeScores[e] != Float.NEGATIVE_INFINITY) {
                s.probeCells[e] = compactIds[s.probeCells[e]];
            }
        }
        for (int i = 0; i < NQ_PAD; i++) {
            // no cap where a token found fewer than ncells scored centroids; padding columns score 0
            floor[i] = i >= nq ? 0 : s.probeScores[i * n + n - 1] == Float.NEGATIVE_INFINITY ? Float.POSITIVE_INFINITY
                    : s.probeScores[i * n + n - 1];
        }
        times.lap(StageTimes.Stage.TOP_CELLS);
        return nq * n;
    }

    /**
     * Stage 3's int8 table in {@code s.int8Scores}: the scored centroids' rows quantised as {@link
     * LateInteractionKernels#packScoresInt8x32} does (one step, max |score| / 127, over the scored ones), each
     * unexpanded group's members the group's estimate row, clamped to the same range.
     */
    void int8Table(LateInteractionKernels kernels, SearchScratch s) {
        CentroidGrouping gr = groups.grouping;
        compactInt8 = growBytes(compactInt8, scored * NQ_PAD);
        float step = kernels.packScoresInt8x32(compact, scored, compactInt8);
        int[] members = gr.members();
        byte[] table = s.int8Scores;
        for (int c = 0; c < gr.groups(); c++) {
            int from = gr.start()[c];
            int size = gr.size(c);
            int at = compactStart[c];
            if (at >= 0) {
                for (int j = 0; j < size; j++) {
                    System.arraycopy(compactInt8, (at + j) * NQ_PAD, table, members[from + j] * NQ_PAD, NQ_PAD);
                }
                continue;
            }
            for (int i = 0; i < NQ_PAD; i++) {
                float e = i >= nq ? 0 : Math.min(coarse[c * NQ_PAD + i], floor[i]) / step;
                estimate[i] = (byte) Math.max(-127, Math.min(127, Math.round(e)));
            }
            for (int j = 0; j < size; j++) {
                System.arraycopy(estimate, 0, table, members[from + j] * NQ_PAD, NQ_PAD);
            }
        }
    }

    /**
     * Exact centroid scores, in {@code s.centroidScores} ({@code [k × 32]}), of every code of the documents
     * {@code rows[0..count)}: copied from stage 1 where their group was expanded, scored now otherwise.
     */
    void exactRows(LateInteractionKernels kernels, IndexSnapshot snap, QueryMatrix q, int[] rows, int count,
            SearchScratch s) {
        CentroidGrouping gr = groups.grouping;
        int k = gr.numCentroids();
        if (codeStamp.length < k) {
            codeStamp = new int[k];
            epoch = 0;
        }
        if (++epoch == Integer.MAX_VALUE) {
            Arrays.fill(codeStamp, 0);
            epoch = 1;
        }
        int[] cells = DocBuffers.get(snap.maxDoclen(), snap.residualBytesPerToken()).cells;
        RowLocator loc = new RowLocator(snap);
        float[] table = s.centroidScores;
        int nl = 0;
        for (int j = 0; j < count; j++) {
            int row = rows[j];
            int m = loc.at(row).cells(loc.local(row), cells);
            for (int t = 0; t < m; t++) {
                int c = cells[t];
                if (codeStamp[c] == epoch) {
                    continue;
                }
                codeStamp[c] = epoch;
                int g = gr.groupOf()[c];
                int at = compactStart[g];
                if (at >= 0) {
                    System.arraycopy(compact, (at + groups.position[c] - gr.start()[g]) * NQ_PAD, table, c * NQ_PAD,
                            NQ_PAD);
                } else {
                    lazy = growInts(lazy, nl + 1);
                    lazy[nl++] = c;
                }
            }
        }
        if (nl == 0) {
            return;
        }
        int dim = gr.dim();
        float[] centroids = snap.centroids();
        gather = grow(gather, nl * dim);
        for (int j = 0; j < nl; j++) {
            System.arraycopy(centroids, lazy[j] * dim, gather, j * dim, dim);
        }
        lazyScores = grow(lazyScores, nl * NQ_PAD);
        kernels.centroidScores(q.transposed(), NQ_PAD, gather, nl, dim, lazyScores);
        for (int j = 0; j < nl; j++) {
            System.arraycopy(lazyScores, j * NQ_PAD, table, lazy[j] * NQ_PAD, NQ_PAD);
        }
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[Math.max(n, a.length + (a.length >> 1))];
    }

    private static int[] growInts(int[] a, int n) {
        return a.length >= n ? a : Arrays.copyOf(a, Math.max(n, a.length + (a.length >> 1) + 16));
    }

    private static byte[] growBytes(byte[] a, int n) {
        return a.length >= n ? a : new byte[Math.max(n, a.length + (a.length >> 1))];
    }
}
