package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.format.kernel.ScalarLateInteractionKernels;
import io.tartan.format.kmeans.CentroidGrouping;
import io.tartan.query.IndexSnapshot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * FAST search without scoring every centroid ({@code ngroups}): stage 1 scores the query against the √(2k) group
 * centres of {@link CentroidGroups}, expands each query token's {@code ngroups} best groups, and scores each token
 * against the members of its own expanded groups only (per-token expansion: {@code ngroups × k/√(2k)} products a
 * token, where scoring the union of the tokens' groups against the whole query costs about nq times that). Each
 * scored (token, centroid) pair is the same float as the full {@code Q·Cᵀ}'s ({@link LateInteractionKernels#tokenScores}).
 * Each token's top ncells cells are picked among its scored centroids.
 *
 * <p>The other (token, centroid) pairs have no score. Stage 3's centroid-only MaxSim needs one for every candidate
 * token against every query token, so it gets an estimate, as WARP imputes missing similarities: for query token
 * {@code i} and a centroid of group {@code g} that token did not expand, {@code min(q_i·centre_g, floor_i)}, where
 * {@code floor_i} is the lowest of token i's ncells probed scores. The centre score is the group's typical member
 * score (the centre is the normalised mean of its members), and the floor keeps an unscored centroid from looking
 * better than the cells the token probed. Stage 4 then scores every code of the kept documents against the whole
 * query (gathered, the same kernel family), so final scores are exact MaxSim, identical to the full path's for the
 * same documents.
 *
 * <p>Per-thread scratch; a query uses it from {@link #probe} to {@link #exactRows}. Works on queries of 17–32
 * tokens (32 padded columns, the int8 stage-3 table); the searcher scores every centroid for other lengths.
 */
final class CoarseCentroidScores {
    static final int NQ_PAD = 32;
    private static final int BLOCK = LateInteractionKernels.QUERY_PAD;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<CoarseCentroidScores> LOCAL = ThreadLocal.withInitial(CoarseCentroidScores::new);

    private CentroidGroups groups;
    private float[] coarse = new float[0];
    private float[] groupBest = new float[0];
    /** Token i's expanded groups are {@code groupCells[i·ng .. i·ng + ng)} (−1: none, the group being empty). */
    private int[] groupCells = new int[0];
    /** Where each expanded (token, group) entry's scores start in {@link #tokenScores} (16-padded per entry). */
    private int[] entryAt = new int[0];
    private float[] tokenScores = new float[0];
    private int[] groupOrder = new int[0];
    private int[] byGroup = new int[0];
    /** The tokens that expanded one group and where their scores go: at most one entry a token. */
    private final int[] runTokens = new int[NQ_PAD];
    private final int[] runOffs = new int[NQ_PAD];
    private final byte[] estimate = new byte[NQ_PAD];
    private final float[] floor = new float[NQ_PAD];
    private int ng;
    private long pairs;
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

    /** (Query token, centroid) pairs scored exactly in stage 1 of the last query, divided by its token count. */
    double scored() {
        return nq == 0 ? 0 : (double) pairs / nq;
    }

    /**
     * Token {@code i}'s stage-1 score against centroid {@code c} in the last query, NaN where that pair was not scored
     * (the pair got an estimate). A look-up by scan, for tests.
     */
    float scoredPair(int i, int c) {
        CentroidGrouping gr = groups.grouping;
        int grp = gr.groupOf()[c];
        for (int e = i * ng; e < (i + 1) * ng; e++) {
            if (groupCells[e] == grp) {
                for (int j = 0; j < gr.size(grp); j++) {
                    if (gr.members()[gr.start()[grp] + j] == c) {
                        return tokenScores[entryAt[e] + j];
                    }
                }
            }
        }
        return Float.NaN;
    }

    /**
     * Stage 1: scores the groups, expands each token's best {@code ngroups}, scores each token against its expanded
     * groups' members, writes each token's top {@code ncells} scored centroids to {@code s.probeCells} / {@code
     * s.probeScores} (best first, ties to the lower centroid, as {@link LateInteractionKernels#topCells}; −∞ where a
     * token has fewer scored centroids); returns the number of entries, {@code nq × min(ncells, k)}.
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
        ng = Math.min(ngroups, g);
        groupBest = grow(groupBest, nq * ng);
        groupCells = growInts(groupCells, nq * ng);
        kernels.topCells(coarse, NQ_PAD, nq, g, ng, groupBest, groupCells);
        entryAt = growInts(entryAt, nq * ng + 1);
        int at = 0;
        pairs = 0;
        for (int e = 0; e < nq * ng; e++) {
            int grp = groupCells[e];
            if (groupBest[e] == Float.NEGATIVE_INFINITY || gr.size(grp) == 0) {
                groupCells[e] = -1;
            } else {
                pairs += gr.size(grp);
            }
            entryAt[e] = at;
            at += groupCells[e] < 0 ? 0 : (gr.size(grp) + BLOCK - 1) / BLOCK * BLOCK;
        }
        entryAt[nq * ng] = at;
        tokenScores = grow(tokenScores, at);
        // group by group (a counting sort of the entries), so the tokens that expanded a group read its block
        // (64 KB at 1x) from cache after the first; token order would fetch each group once a token
        groupOrder = growInts(groupOrder, g + 1);
        Arrays.fill(groupOrder, 0, g + 1, 0);
        for (int e = 0; e < nq * ng; e++) {
            if (groupCells[e] >= 0) {
                groupOrder[groupCells[e] + 1]++;
            }
        }
        for (int c = 0; c < g; c++) {
            groupOrder[c + 1] += groupOrder[c];
        }
        byGroup = growInts(byGroup, nq * ng);
        for (int e = 0; e < nq * ng; e++) {
            if (groupCells[e] >= 0) {
                byGroup[groupOrder[groupCells[e]]++] = e;
            }
        }
        float[] qt = q.transposed();
        for (int j = 0, end = groupOrder[g - 1]; j < end; ) {
            int grp = groupCells[byGroup[j]];
            int count = 0;
            for (; j < end && groupCells[byGroup[j]] == grp; j++, count++) {
                runTokens[count] = byGroup[j] / ng;
                runOffs[count] = entryAt[byGroup[j]];
            }
            kernels.tokensScores(qt, NQ_PAD, runTokens, runOffs, count, groups.blocks[grp], gr.size(grp), dim,
                    tokenScores);
        }
        times.lap(StageTimes.Stage.CENTROID_SCORES);
        int k = gr.numCentroids();
        int n = Math.min(ncells, k);
        s.ensureProbe((long) nq * n);
        float[] best = s.probeScores;
        int[] cells = s.probeCells;
        int[] members = gr.members();
        for (int i = 0; i < nq; i++) {
            int base = i * n;
            Arrays.fill(best, base, base + n, Float.NEGATIVE_INFINITY);
            Arrays.fill(cells, base, base + n, 0);
            for (int e = i * ng; e < (i + 1) * ng; e++) {
                int grp = groupCells[e];
                if (grp < 0) {
                    continue;
                }
                int from = gr.start()[grp];
                int o = entryAt[e];
                for (int j = 0; j < gr.size(grp); j++) {
                    float v = tokenScores[o + j];
                    int c = members[from + j];
                    float worst = best[base + n - 1];
                    if (v > worst || v == worst && worst != Float.NEGATIVE_INFINITY && c < cells[base + n - 1]) {
                        insert(best, cells, base, n, v, c);
                    }
                }
            }
        }
        for (int i = 0; i < NQ_PAD; i++) {
            // no cap where a token found fewer than ncells scored centroids; padding columns score 0
            floor[i] = i >= nq ? 0 : best[i * n + n - 1] == Float.NEGATIVE_INFINITY ? Float.POSITIVE_INFINITY
                    : best[i * n + n - 1];
        }
        times.lap(StageTimes.Stage.TOP_CELLS);
        return nq * n;
    }

    /**
     * Into a best-first list of n: after the entries it beats or ties with a lower centroid, so the order is the
     * full path's (score, then lower centroid first) whatever order the groups were scored in.
     */
    private static void insert(float[] best, int[] cells, int base, int n, float v, int c) {
        int j = n - 1;
        while (j > 0 && (best[base + j - 1] < v || best[base + j - 1] == v && cells[base + j - 1] > c)) {
            best[base + j] = best[base + j - 1];
            cells[base + j] = cells[base + j - 1];
            j--;
        }
        best[base + j] = v;
        cells[base + j] = c;
    }

    /**
     * Stage 3's int8 table in {@code s.int8Scores}: every centroid's row first its group's estimate row, then each
     * scored (token, centroid) pair overwritten with its score quantised as {@link
     * LateInteractionKernels#packScoresInt8x32} does (one step, max |score| / 127 over the scored pairs, rounded half
     * up), so a table with every pair scored is byte for byte the full path's.
     */
    void int8Table(LateInteractionKernels kernels, SearchScratch s) {
        CentroidGrouping gr = groups.grouping;
        float max = 0;
        for (int j = 0, end = entryAt[nq * ng]; j < end; j++) {
            max = Math.max(max, Math.abs(tokenScores[j]));
        }
        float step = max > 0 ? max / 127 : 1f;
        float inv = 1 / step;
        int[] members = gr.members();
        byte[] table = s.int8Scores;
        for (int c = 0; c < gr.groups(); c++) {
            int from = gr.start()[c];
            int size = gr.size(c);
            for (int i = 0; i < NQ_PAD; i++) {
                float e = i >= nq ? 0 : Math.min(coarse[c * NQ_PAD + i], floor[i]) / step;
                estimate[i] = (byte) Math.max(-127, Math.min(127, Math.round(e)));
            }
            // a row is 32 bytes: four long stores a member (an arraycopy call a member cost more than the copy)
            long e0 = (long) LONGS.get(estimate, 0), e1 = (long) LONGS.get(estimate, 8);
            long e2 = (long) LONGS.get(estimate, 16), e3 = (long) LONGS.get(estimate, 24);
            for (int j = 0; j < size; j++) {
                int at = members[from + j] * NQ_PAD;
                LONGS.set(table, at, e0);
                LONGS.set(table, at + 8, e1);
                LONGS.set(table, at + 16, e2);
                LONGS.set(table, at + 24, e3);
            }
        }
        for (int e = 0; e < nq * ng; e++) {
            int grp = groupCells[e];
            if (grp < 0) {
                continue;
            }
            int i = e / ng;
            int from = gr.start()[grp];
            int o = entryAt[e];
            for (int j = 0; j < gr.size(grp); j++) {
                table[members[from + j] * NQ_PAD + i] =
                        (byte) ScalarLateInteractionKernels.roundHalfUp(tokenScores[o + j] * inv);
            }
        }
    }

    /**
     * Exact centroid scores, in {@code s.centroidScores} ({@code [k × 32]}), of every code of the documents
     * {@code rows[0..count)}, scored now against the whole query: stage 1 scored a centroid against the tokens that
     * expanded its group only, and a full row costs the kernel no more than the few columns stage 1 has.
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
                lazy = growInts(lazy, nl + 1);
                lazy[nl++] = c;
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
}
