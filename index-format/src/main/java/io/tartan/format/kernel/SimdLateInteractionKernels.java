package io.tartan.format.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LateInteractionKernels} on the Vector API, loaded reflectively by {@link InteractionKernels}. Vectors run
 * along the query-token axis, so a document token's scores against 16 query tokens are one register: centroid
 * scores are broadcast-FMAs of centroid values against query columns, and MaxSim is loads, adds and maxes with no
 * horizontal reduction until the end of a document.
 */
final class SimdLateInteractionKernels implements LateInteractionKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    /** Bytes as many as the float lanes, for the int8 pack's narrowing; none below 8 lanes (no 32-bit shape). */
    private static final VectorSpecies<Byte> BS = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * L)) : null;
    private static final ScalarLateInteractionKernels REF = ScalarLateInteractionKernels.INSTANCE;

    @Override
    public void centroidScores(float[] qt, int nqPad, float[] centroids, int numCentroids, int dim, float[] out) {
        if (nqPad % L != 0) {
            REF.centroidScores(qt, nqPad, centroids, numCentroids, dim, out);
            return;
        }
        if (nqPad == 2 * L) {
            centroidScores2(qt, centroids, numCentroids, dim, out);
            return;
        }
        if (nqPad == 4 * L) {
            centroidScores4(qt, centroids, numCentroids, dim, out);
            return;
        }
        for (int i0 = 0; i0 < nqPad; i0 += L) {
            int c = 0;
            // four centroids at a time: each query-column load feeds four FMAs
            for (; c + 3 < numCentroids; c += 4) {
                int c0 = c * dim;
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int d = 0; d < dim; d++) {
                    FloatVector q = FloatVector.fromArray(S, qt, d * nqPad + i0);
                    a0 = q.fma(FloatVector.broadcast(S, centroids[c0 + d]), a0);
                    a1 = q.fma(FloatVector.broadcast(S, centroids[c0 + dim + d]), a1);
                    a2 = q.fma(FloatVector.broadcast(S, centroids[c0 + 2 * dim + d]), a2);
                    a3 = q.fma(FloatVector.broadcast(S, centroids[c0 + 3 * dim + d]), a3);
                }
                a0.intoArray(out, c * nqPad + i0);
                a1.intoArray(out, (c + 1) * nqPad + i0);
                a2.intoArray(out, (c + 2) * nqPad + i0);
                a3.intoArray(out, (c + 3) * nqPad + i0);
            }
            for (; c < numCentroids; c++) {
                FloatVector a = FloatVector.zero(S);
                for (int d = 0; d < dim; d++) {
                    a = FloatVector.fromArray(S, qt, d * nqPad + i0).fma(FloatVector.broadcast(S, centroids[c * dim + d]), a);
                }
                a.intoArray(out, c * nqPad + i0);
            }
        }
    }

    /**
     * The common case of 17–32 query tokens: eight centroids against both query vectors per step, so each dim
     * costs 2 column loads and 8 broadcasts for 16 FMAs (loads, not FMAs, bound this kernel).
     */
    private static void centroidScores2(float[] qt, float[] centroids, int numCentroids, int dim, float[] out) {
        int nqPad = 2 * L;
        int c = 0;
        for (; c + 7 < numCentroids; c += 8) {
            int b = c * dim;
            FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
            FloatVector y0 = x0, y1 = x0, y2 = x0, y3 = x0, y4 = x0, y5 = x0, y6 = x0, y7 = x0;
            for (int d = 0; d < dim; d++) {
                FloatVector q0 = FloatVector.fromArray(S, qt, d * nqPad);
                FloatVector q1 = FloatVector.fromArray(S, qt, d * nqPad + L);
                FloatVector w = FloatVector.broadcast(S, centroids[b + d]);
                x0 = q0.fma(w, x0);
                y0 = q1.fma(w, y0);
                w = FloatVector.broadcast(S, centroids[b + dim + d]);
                x1 = q0.fma(w, x1);
                y1 = q1.fma(w, y1);
                w = FloatVector.broadcast(S, centroids[b + 2 * dim + d]);
                x2 = q0.fma(w, x2);
                y2 = q1.fma(w, y2);
                w = FloatVector.broadcast(S, centroids[b + 3 * dim + d]);
                x3 = q0.fma(w, x3);
                y3 = q1.fma(w, y3);
                w = FloatVector.broadcast(S, centroids[b + 4 * dim + d]);
                x4 = q0.fma(w, x4);
                y4 = q1.fma(w, y4);
                w = FloatVector.broadcast(S, centroids[b + 5 * dim + d]);
                x5 = q0.fma(w, x5);
                y5 = q1.fma(w, y5);
                w = FloatVector.broadcast(S, centroids[b + 6 * dim + d]);
                x6 = q0.fma(w, x6);
                y6 = q1.fma(w, y6);
                w = FloatVector.broadcast(S, centroids[b + 7 * dim + d]);
                x7 = q0.fma(w, x7);
                y7 = q1.fma(w, y7);
            }
            int o = c * nqPad;
            x0.intoArray(out, o);
            y0.intoArray(out, o + L);
            x1.intoArray(out, o + nqPad);
            y1.intoArray(out, o + nqPad + L);
            x2.intoArray(out, o + 2 * nqPad);
            y2.intoArray(out, o + 2 * nqPad + L);
            x3.intoArray(out, o + 3 * nqPad);
            y3.intoArray(out, o + 3 * nqPad + L);
            x4.intoArray(out, o + 4 * nqPad);
            y4.intoArray(out, o + 4 * nqPad + L);
            x5.intoArray(out, o + 5 * nqPad);
            y5.intoArray(out, o + 5 * nqPad + L);
            x6.intoArray(out, o + 6 * nqPad);
            y6.intoArray(out, o + 6 * nqPad + L);
            x7.intoArray(out, o + 7 * nqPad);
            y7.intoArray(out, o + 7 * nqPad + L);
        }
        for (; c < numCentroids; c++) {
            FloatVector x = FloatVector.zero(S), y = x;
            for (int d = 0; d < dim; d++) {
                FloatVector w = FloatVector.broadcast(S, centroids[c * dim + d]);
                x = FloatVector.fromArray(S, qt, d * nqPad).fma(w, x);
                y = FloatVector.fromArray(S, qt, d * nqPad + L).fma(w, y);
            }
            x.intoArray(out, c * nqPad);
            y.intoArray(out, c * nqPad + L);
        }
    }

    /**
     * 25–32 query tokens on 8-lane (AVX2) vectors: one pass over the centroids, two at a time against all four query
     * vectors (8 accumulators, 4 query loads, 2 broadcasts per dim fit the 16 registers). One pass matters more than
     * the FMA count: the centroid matrix (8 MB at 16,384 × 128) comes from memory, and a pass per query vector
     * would read it four times.
     */
    private static void centroidScores4(float[] qt, float[] centroids, int numCentroids, int dim, float[] out) {
        int nqPad = 4 * L;
        int c = 0;
        for (; c + 1 < numCentroids; c += 2) {
            int b = c * dim;
            FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0;
            FloatVector y0 = x0, y1 = x0, y2 = x0, y3 = x0;
            for (int d = 0; d < dim; d++) {
                int o = d * nqPad;
                FloatVector q0 = FloatVector.fromArray(S, qt, o);
                FloatVector q1 = FloatVector.fromArray(S, qt, o + L);
                FloatVector q2 = FloatVector.fromArray(S, qt, o + 2 * L);
                FloatVector q3 = FloatVector.fromArray(S, qt, o + 3 * L);
                FloatVector w = FloatVector.broadcast(S, centroids[b + d]);
                x0 = q0.fma(w, x0);
                x1 = q1.fma(w, x1);
                x2 = q2.fma(w, x2);
                x3 = q3.fma(w, x3);
                w = FloatVector.broadcast(S, centroids[b + dim + d]);
                y0 = q0.fma(w, y0);
                y1 = q1.fma(w, y1);
                y2 = q2.fma(w, y2);
                y3 = q3.fma(w, y3);
            }
            int o = c * nqPad;
            x0.intoArray(out, o);
            x1.intoArray(out, o + L);
            x2.intoArray(out, o + 2 * L);
            x3.intoArray(out, o + 3 * L);
            y0.intoArray(out, o + nqPad);
            y1.intoArray(out, o + nqPad + L);
            y2.intoArray(out, o + nqPad + 2 * L);
            y3.intoArray(out, o + nqPad + 3 * L);
        }
        centroidScoresOneByOne(qt, nqPad, centroids, c, numCentroids, dim, out);
    }

    /**
     * Centroids a group of {@link CentroidBlocks} holds: 8 on 16-lane vectors (2 query vectors x 8 centroids = 16
     * accumulators of 32 registers), 4 on 8 lanes (8 accumulators of 16 registers, one 16-token half of the query at
     * a time; the group's 2 KB stay in L1 for the second half). Measured against the alternatives in
     * docs/BENCHMARKS.md (issue 17).
     */
    static final int GROUP = L == 16 ? 8 : L == 8 ? 4 : 0;

    /**
     * {@code Q·Cᵀ} over centroids in groups of {@link #GROUP}, dim-major inside a group: the row-major kernels' work
     * (2 query-vector loads and one broadcast per centroid and dim, each FMA'd into its own accumulator), but the
     * broadcasts read one contiguous stream instead of GROUP rows 512 bytes apart, which took 40% of the time off
     * on both vector widths. Each score is summed in dim order with one FMA a product, as the row-major kernels do,
     * so the floats are the same. Centroids after the last full group are scored from the rows.
     */
    private static void centroidScoresGrouped(float[] qt, int nqPad, float[] grouped, float[] rows, int numCentroids,
            int dim, float[] out) {
        int full = numCentroids / GROUP * GROUP;
        for (int c = 0; c < full; c += GROUP) {
            int b = c * dim;
            for (int h = 0; h < nqPad; h += 2 * L) {
                if (GROUP == 8) {
                    group8(qt, nqPad, h, grouped, b, dim, out, c * nqPad + h);
                } else {
                    group4(qt, nqPad, h, grouped, b, dim, out, c * nqPad + h);
                }
            }
        }
        centroidScoresOneByOne(qt, nqPad, rows, full, numCentroids, dim, out);
    }

    /** Centroids {@code [from, to)} one at a time from the rows: the tails the grouped kernels leave. */
    private static void centroidScoresOneByOne(float[] qt, int nqPad, float[] rows, int from, int to, int dim,
            float[] out) {
        for (int c = from; c < to; c++) {
            for (int i0 = 0; i0 < nqPad; i0 += L) {
                FloatVector a = FloatVector.zero(S);
                for (int d = 0; d < dim; d++) {
                    a = FloatVector.fromArray(S, qt, d * nqPad + i0).fma(FloatVector.broadcast(S, rows[c * dim + d]), a);
                }
                a.intoArray(out, c * nqPad + i0);
            }
        }
    }

    /** 8 centroids (group at {@code b}) against query columns {@code [h, h + 2L)}, rows from {@code o} on. */
    private static void group8(float[] qt, int nqPad, int h, float[] g, int b, int dim, float[] out, int o) {
        FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
        FloatVector y0 = x0, y1 = x0, y2 = x0, y3 = x0, y4 = x0, y5 = x0, y6 = x0, y7 = x0;
        for (int d = 0; d < dim; d++) {
            FloatVector q0 = FloatVector.fromArray(S, qt, d * nqPad + h);
            FloatVector q1 = FloatVector.fromArray(S, qt, d * nqPad + h + L);
            int e = b + d * 8;
            FloatVector w = FloatVector.broadcast(S, g[e]);
            x0 = q0.fma(w, x0);
            y0 = q1.fma(w, y0);
            w = FloatVector.broadcast(S, g[e + 1]);
            x1 = q0.fma(w, x1);
            y1 = q1.fma(w, y1);
            w = FloatVector.broadcast(S, g[e + 2]);
            x2 = q0.fma(w, x2);
            y2 = q1.fma(w, y2);
            w = FloatVector.broadcast(S, g[e + 3]);
            x3 = q0.fma(w, x3);
            y3 = q1.fma(w, y3);
            w = FloatVector.broadcast(S, g[e + 4]);
            x4 = q0.fma(w, x4);
            y4 = q1.fma(w, y4);
            w = FloatVector.broadcast(S, g[e + 5]);
            x5 = q0.fma(w, x5);
            y5 = q1.fma(w, y5);
            w = FloatVector.broadcast(S, g[e + 6]);
            x6 = q0.fma(w, x6);
            y6 = q1.fma(w, y6);
            w = FloatVector.broadcast(S, g[e + 7]);
            x7 = q0.fma(w, x7);
            y7 = q1.fma(w, y7);
        }
        x0.intoArray(out, o);
        y0.intoArray(out, o + L);
        x1.intoArray(out, o + nqPad);
        y1.intoArray(out, o + nqPad + L);
        x2.intoArray(out, o + 2 * nqPad);
        y2.intoArray(out, o + 2 * nqPad + L);
        x3.intoArray(out, o + 3 * nqPad);
        y3.intoArray(out, o + 3 * nqPad + L);
        x4.intoArray(out, o + 4 * nqPad);
        y4.intoArray(out, o + 4 * nqPad + L);
        x5.intoArray(out, o + 5 * nqPad);
        y5.intoArray(out, o + 5 * nqPad + L);
        x6.intoArray(out, o + 6 * nqPad);
        y6.intoArray(out, o + 6 * nqPad + L);
        x7.intoArray(out, o + 7 * nqPad);
        y7.intoArray(out, o + 7 * nqPad + L);
    }

    /** 4 centroids (group at {@code b}) against query columns {@code [h, h + 2L)}, rows from {@code o} on. */
    private static void group4(float[] qt, int nqPad, int h, float[] g, int b, int dim, float[] out, int o) {
        FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0;
        FloatVector y0 = x0, y1 = x0, y2 = x0, y3 = x0;
        for (int d = 0; d < dim; d++) {
            FloatVector q0 = FloatVector.fromArray(S, qt, d * nqPad + h);
            FloatVector q1 = FloatVector.fromArray(S, qt, d * nqPad + h + L);
            int e = b + d * 4;
            FloatVector w = FloatVector.broadcast(S, g[e]);
            x0 = q0.fma(w, x0);
            y0 = q1.fma(w, y0);
            w = FloatVector.broadcast(S, g[e + 1]);
            x1 = q0.fma(w, x1);
            y1 = q1.fma(w, y1);
            w = FloatVector.broadcast(S, g[e + 2]);
            x2 = q0.fma(w, x2);
            y2 = q1.fma(w, y2);
            w = FloatVector.broadcast(S, g[e + 3]);
            x3 = q0.fma(w, x3);
            y3 = q1.fma(w, y3);
        }
        x0.intoArray(out, o);
        y0.intoArray(out, o + L);
        x1.intoArray(out, o + nqPad);
        y1.intoArray(out, o + nqPad + L);
        x2.intoArray(out, o + 2 * nqPad);
        y2.intoArray(out, o + 2 * nqPad + L);
        x3.intoArray(out, o + 3 * nqPad);
        y3.intoArray(out, o + 3 * nqPad + L);
    }

    /**
     * Lanes over centroids, one broadcast of the token's element per dim shared by four independent accumulator
     * chains (four vectors of centroids), so the FMA latency is hidden as the token-lane kernels hide it with several
     * centroids. {@code x.fma(q, a)} is {@code x·q + a} rounded once, the same float as the full product's
     * {@code q.fma(x, a)}.
     */
    @Override
    public void tokenScores(float[] qt, int nqPad, int i, float[] blocks, int numCentroids, int dim, float[] out,
            int off) {
        final int w = QUERY_PAD;
        if (w % L != 0) {
            REF.tokenScores(qt, nqPad, i, blocks, numCentroids, dim, out, off);
            return;
        }
        int per = w / L;
        int units = (numCentroids + w - 1) / w * per;
        int u = 0;
        for (; u + 3 < units; u += 4) {
            int e0 = unitBase(u, per, dim), e1 = unitBase(u + 1, per, dim);
            int e2 = unitBase(u + 2, per, dim), e3 = unitBase(u + 3, per, dim);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0; d < dim; d++) {
                FloatVector q = FloatVector.broadcast(S, qt[d * nqPad + i]);
                int o = d * w;
                a0 = FloatVector.fromArray(S, blocks, e0 + o).fma(q, a0);
                a1 = FloatVector.fromArray(S, blocks, e1 + o).fma(q, a1);
                a2 = FloatVector.fromArray(S, blocks, e2 + o).fma(q, a2);
                a3 = FloatVector.fromArray(S, blocks, e3 + o).fma(q, a3);
            }
            a0.intoArray(out, off + u * L);
            a1.intoArray(out, off + (u + 1) * L);
            a2.intoArray(out, off + (u + 2) * L);
            a3.intoArray(out, off + (u + 3) * L);
        }
        for (; u < units; u++) {
            int e = unitBase(u, per, dim);
            FloatVector a = FloatVector.zero(S);
            for (int d = 0; d < dim; d++) {
                a = FloatVector.fromArray(S, blocks, e + d * w).fma(FloatVector.broadcast(S, qt[d * nqPad + i]), a);
            }
            a.intoArray(out, off + u * L);
        }
    }

    /**
     * Four tokens at a time against two vectors of centroids (8 accumulators: 2 loads and 4 broadcasts per dim feed 8
     * FMAs, where one token's 4 chains take 2 loads an FMA and run at half the FMA rate); the 1–3 tokens left over go
     * through {@link #tokenScores}. Each accumulator is {@code x.fma(q, a)} in dim order, the same float as {@link
     * #tokenScores}'.
     */
    @Override
    public void tokensScores(float[] qt, int nqPad, int[] tokens, int[] offs, int count, float[] blocks,
            int numCentroids, int dim, float[] out) {
        final int w = QUERY_PAD;
        int j = 0;
        if (w % L == 0) {
            int per = w / L;
            int units = (numCentroids + w - 1) / w * per;
            for (; j + 3 < count; j += 4) {
                int i0 = tokens[j], i1 = tokens[j + 1], i2 = tokens[j + 2], i3 = tokens[j + 3];
                int o0 = offs[j], o1 = offs[j + 1], o2 = offs[j + 2], o3 = offs[j + 3];
                for (int u = 0; u < units; u += 2) {
                    int e0 = unitBase(u, per, dim);
                    // an odd last unit is read twice (the same vector in both chains) and written once
                    int v = u + 1 < units ? u + 1 : u;
                    int e1 = unitBase(v, per, dim);
                    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                    FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                    for (int d = 0; d < dim; d++) {
                        int o = d * w;
                        FloatVector x = FloatVector.fromArray(S, blocks, e0 + o);
                        FloatVector y = FloatVector.fromArray(S, blocks, e1 + o);
                        int r = d * nqPad;
                        FloatVector q = FloatVector.broadcast(S, qt[r + i0]);
                        a0 = x.fma(q, a0);
                        b0 = y.fma(q, b0);
                        q = FloatVector.broadcast(S, qt[r + i1]);
                        a1 = x.fma(q, a1);
                        b1 = y.fma(q, b1);
                        q = FloatVector.broadcast(S, qt[r + i2]);
                        a2 = x.fma(q, a2);
                        b2 = y.fma(q, b2);
                        q = FloatVector.broadcast(S, qt[r + i3]);
                        a3 = x.fma(q, a3);
                        b3 = y.fma(q, b3);
                    }
                    int at = u * L;
                    a0.intoArray(out, o0 + at);
                    a1.intoArray(out, o1 + at);
                    a2.intoArray(out, o2 + at);
                    a3.intoArray(out, o3 + at);
                    if (v != u) {
                        at += L;
                        b0.intoArray(out, o0 + at);
                        b1.intoArray(out, o1 + at);
                        b2.intoArray(out, o2 + at);
                        b3.intoArray(out, o3 + at);
                    }
                }
            }
        }
        for (; j < count; j++) {
            tokenScores(qt, nqPad, tokens[j], blocks, numCentroids, dim, out, offs[j]);
        }
    }

    /** Where vector {@code u} (of {@code per} a 16-centroid block) starts in dim 0 of the blocked layout. */
    private static int unitBase(int u, int per, int dim) {
        return (u / per) * dim * QUERY_PAD + (u % per) * L;
    }

    @Override
    public CentroidBlocks prepareCentroids(float[] centroids, int numCentroids, int dim) {
        return GROUP > 0 ? CentroidBlocks.blocked(centroids, numCentroids, dim, GROUP)
                : CentroidBlocks.rowMajor(centroids, numCentroids, dim);
    }

    @Override
    public void centroidScores(float[] qt, int nqPad, CentroidBlocks centroids, float[] out) {
        if (GROUP > 0 && centroids.width() == GROUP && nqPad % (2 * L) == 0) {
            centroidScoresGrouped(qt, nqPad, centroids.blocks(), centroids.rows(), centroids.numCentroids(),
                    centroids.dim(), out);
        } else {
            centroidScores(qt, nqPad, centroids.rows(), centroids.numCentroids(), centroids.dim(), out);
        }
    }

    /**
     * One vector compare per 16 query tokens and centroid against the tokens' current n-th best; only lanes that
     * beat it (rare after the first few hundred centroids) take the scalar insertion.
     */
    @Override
    public void topCells(float[] scores, int nqPad, int nq, int numCentroids, int n, float[] best, int[] cells) {
        if (nqPad % L != 0) {
            REF.topCells(scores, nqPad, nq, numCentroids, n, best, cells);
            return;
        }
        if (nqPad == 32 && (L == 8 || L == 16)) {
            topCells32(scores, nq, numCentroids, n, best, cells);
            return;
        }
        float[] worst = emptyLists(nqPad, nq, n, best, cells);
        for (int i0 = 0; i0 < nqPad; i0 += L) {
            FloatVector w = FloatVector.fromArray(S, worst, i0);
            for (int c = 0; c < numCentroids; c++) {
                VectorMask<Float> m = FloatVector.fromArray(S, scores, c * nqPad + i0).compare(VectorOperators.GT, w);
                if (m.anyTrue()) {
                    insertLanes(scores, c * nqPad, i0, m.toLong(), c, n, best, cells, worst);
                    w = FloatVector.fromArray(S, worst, i0);
                }
            }
        }
    }

    /**
     * {@link #topCells} for 32 columns in one pass over the table (it is read once, not once per query vector). Past
     * the first few hundred centroids almost none enters a list, so the lane-wise max of 4 centroids (2 on 8 lanes)
     * is compared with the 32 thresholds first, and only a group that beats one is checked centroid by centroid, in
     * order: the same lists, ties included, for half the time of a compare per centroid.
     */
    private static void topCells32(float[] scores, int nq, int numCentroids, int n, float[] best, int[] cells) {
        final int nqPad = 32;
        float[] worst = emptyLists(nqPad, nq, n, best, cells);
        int c = 0;
        if (L == 16) {
            FloatVector w0 = FloatVector.fromArray(S, worst, 0), w1 = FloatVector.fromArray(S, worst, L);
            // 4 centroids' lane-wise max against the thresholds: one compare for 4 centroids, most of which enter no list
            for (; c + 3 < numCentroids; c += 4) {
                int o = c * nqPad;
                FloatVector a0 = FloatVector.fromArray(S, scores, o).max(FloatVector.fromArray(S, scores, o + nqPad))
                        .max(FloatVector.fromArray(S, scores, o + 2 * nqPad).max(FloatVector.fromArray(S, scores, o + 3 * nqPad)));
                FloatVector a1 = FloatVector.fromArray(S, scores, o + L).max(FloatVector.fromArray(S, scores, o + nqPad + L))
                        .max(FloatVector.fromArray(S, scores, o + 2 * nqPad + L).max(FloatVector.fromArray(S, scores, o + 3 * nqPad + L)));
                if (a0.compare(VectorOperators.GT, w0).or(a1.compare(VectorOperators.GT, w1)).anyTrue()) {
                    for (int j = c; j < c + 4; j++) {
                        topCell(scores, j, n, best, cells, worst);
                    }
                    w0 = FloatVector.fromArray(S, worst, 0);
                    w1 = FloatVector.fromArray(S, worst, L);
                }
            }
        } else {
            FloatVector w0 = FloatVector.fromArray(S, worst, 0), w1 = FloatVector.fromArray(S, worst, L);
            FloatVector w2 = FloatVector.fromArray(S, worst, 2 * L), w3 = FloatVector.fromArray(S, worst, 3 * L);
            for (; c + 1 < numCentroids; c += 2) {
                int o = c * nqPad;
                FloatVector a0 = FloatVector.fromArray(S, scores, o).max(FloatVector.fromArray(S, scores, o + nqPad));
                FloatVector a1 = FloatVector.fromArray(S, scores, o + L).max(FloatVector.fromArray(S, scores, o + nqPad + L));
                FloatVector a2 = FloatVector.fromArray(S, scores, o + 2 * L).max(FloatVector.fromArray(S, scores, o + nqPad + 2 * L));
                FloatVector a3 = FloatVector.fromArray(S, scores, o + 3 * L).max(FloatVector.fromArray(S, scores, o + nqPad + 3 * L));
                if (a0.compare(VectorOperators.GT, w0).or(a1.compare(VectorOperators.GT, w1))
                        .or(a2.compare(VectorOperators.GT, w2).or(a3.compare(VectorOperators.GT, w3))).anyTrue()) {
                    topCell(scores, c, n, best, cells, worst);
                    topCell(scores, c + 1, n, best, cells, worst);
                    w0 = FloatVector.fromArray(S, worst, 0);
                    w1 = FloatVector.fromArray(S, worst, L);
                    w2 = FloatVector.fromArray(S, worst, 2 * L);
                    w3 = FloatVector.fromArray(S, worst, 3 * L);
                }
            }
        }
        for (; c < numCentroids; c++) {
            topCell(scores, c, n, best, cells, worst);
        }
    }

    /** Centroid c into the lists of the 32 columns whose thresholds its scores beat, in column order. */
    private static void topCell(float[] scores, int c, int n, float[] best, int[] cells, float[] worst) {
        int o = c * 32;
        long bits = 0;
        for (int i0 = 0; i0 < 32; i0 += L) {
            bits |= FloatVector.fromArray(S, scores, o + i0).compare(VectorOperators.GT, FloatVector.fromArray(S, worst, i0))
                    .toLong() << i0;
        }
        insertLanes(scores, o, 0, bits, c, n, best, cells, worst);
    }

    /**
     * Empties the first {@code nq} tokens' lists of {@code n} and returns their thresholds, one a column: −∞ for the
     * real tokens, +∞ for the padding columns, which never qualify.
     */
    private static float[] emptyLists(int nqPad, int nq, int n, float[] best, int[] cells) {
        java.util.Arrays.fill(best, 0, nq * n, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(cells, 0, nq * n, 0);
        float[] worst = new float[nqPad];
        java.util.Arrays.fill(worst, 0, nq, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(worst, nq, nqPad, Float.POSITIVE_INFINITY);
        return worst;
    }

    /**
     * Inserts centroid c (scores from {@code o}) into the lists of the query tokens {@code i0 + b} for each set bit b;
     * updates their thresholds.
     */
    private static void insertLanes(float[] scores, int o, int i0, long bits, int c, int n, float[] best, int[] cells,
            float[] worst) {
        while (bits != 0) {
            int i = i0 + Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            ScalarLateInteractionKernels.insert(best, cells, i * n, n, scores[o + i], c);
            worst[i] = best[i * n + n - 1];
        }
    }

    @Override
    public void packScores32(float[] scores, int numCentroids, int[] packed) {
        if (L == 8) {
            for (int c = 0; c < numCentroids; c++) {
                for (int j = 0; j < 16; j += 8) {
                    IntVector lo = FloatVector.fromArray(S, scores, c * 32 + j).reinterpretAsInts()
                            .lanewise(VectorOperators.LSHR, 16);
                    IntVector hi = FloatVector.fromArray(S, scores, c * 32 + 16 + j).reinterpretAsInts().and(0xffff0000);
                    hi.or(lo).intoArray(packed, c * 16 + j);
                }
            }
            return;
        }
        if (L != 16) {
            REF.packScores32(scores, numCentroids, packed);
            return;
        }
        for (int c = 0; c < numCentroids; c++) {
            IntVector lo = FloatVector.fromArray(S, scores, c * 32).reinterpretAsInts().lanewise(VectorOperators.LSHR, 16);
            IntVector hi = FloatVector.fromArray(S, scores, c * 32 + 16).reinterpretAsInts().and(0xffff0000);
            hi.or(lo).intoArray(packed, c * 16);
        }
    }

    @Override
    public float packedCentroidMaxSim32(int[] packed, int[] codes, int from, int to, boolean[] keep, float[] max) {
        if (L == 8) {
            return packedCentroidMaxSim32x8(packed, codes, from, to, keep, max);
        }
        if (L != 16) {
            return REF.packedCentroidMaxSim32(packed, codes, from, to, keep, max);
        }
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        for (int t = from; t < to; t++) {
            int c = codes[t];
            if (keep != null && !keep[c]) {
                continue;
            }
            IntVector v = IntVector.fromArray(IntVector.SPECIES_512, packed, c * 16);
            m0 = m0.max(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats());
            m1 = m1.max(v.and(0xffff0000).reinterpretAsFloats());
        }
        if (keep == null) {
            return to > from ? m0.add(m1).reduceLanes(VectorOperators.ADD) : 0f;
        }
        m0.intoArray(max, 0);
        m1.intoArray(max, 16);
        return ScalarLateInteractionKernels.sumFinite(max, 32);
    }

    /** {@link #packedCentroidMaxSim32} on 8-lane (AVX2) vectors: a centroid's 16 packed ints are two int vectors. */
    private static float packedCentroidMaxSim32x8(int[] packed, int[] codes, int from, int to, boolean[] keep,
            float[] max) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        for (int t = from; t < to; t++) {
            int c = codes[t];
            if (keep != null && !keep[c]) {
                continue;
            }
            IntVector v = IntVector.fromArray(IntVector.SPECIES_256, packed, c * 16);
            IntVector u = IntVector.fromArray(IntVector.SPECIES_256, packed, c * 16 + 8);
            m0 = m0.max(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats());
            m1 = m1.max(u.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats());
            m2 = m2.max(v.and(0xffff0000).reinterpretAsFloats());
            m3 = m3.max(u.and(0xffff0000).reinterpretAsFloats());
        }
        if (keep == null) {
            return to > from ? m0.add(m1).add(m2.add(m3)).reduceLanes(VectorOperators.ADD) : 0f;
        }
        m0.intoArray(max, 0);
        m1.intoArray(max, 8);
        m2.intoArray(max, 16);
        m3.intoArray(max, 24);
        return ScalarLateInteractionKernels.sumFinite(max, 32);
    }

    @Override
    public float packScoresInt8x32(float[] scores, int numCentroids, byte[] packed) {
        int n = numCentroids * 32;
        FloatVector m = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= n; j += L) {
            m = m.max(FloatVector.fromArray(S, scores, j).abs());
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            max = Math.max(max, Math.abs(scores[j]));
        }
        float step = max > 0 ? max / 127 : 1f;
        float inv = 1 / step;
        j = 0;
        if (BS != null) {
            FloatVector magic = FloatVector.broadcast(S, ROUND_MAGIC);
            int magicBits = Float.floatToRawIntBits(ROUND_MAGIC);
            for (; j + L <= n; j += L) {
                FloatVector x = FloatVector.fromArray(S, scores, j).mul(inv);
                FloatVector t = x.add(magic);
                // t - M is x rounded half-even, exactly; where x is that plus exactly 0.5, Math.round rounds up
                VectorMask<Integer> up = x.sub(t.sub(magic)).compare(VectorOperators.EQ, 0.5f).cast(IS);
                IntVector v = t.reinterpretAsInts().sub(magicBits).add(1, up);
                ((ByteVector) v.convertShape(VectorOperators.I2B, BS, 0)).intoArray(packed, j);
            }
        }
        for (; j < n; j++) {
            packed[j] = (byte) ScalarLateInteractionKernels.roundHalfUp(scores[j] * inv);
        }
        return step;
    }

    /**
     * 1.5·2^23: for |x| < 2^22, {@code x + M} is a float whose low mantissa bits hold x rounded half-even, so the
     * int8 pack rounds in vectors without a float-to-int conversion (not compiled to vector code by Java 17 on AVX2,
     * which is why the pack used to round in scalar code). Scaled scores are within ±127.
     */
    private static final float ROUND_MAGIC = 12582912f;

    /**
     * One 32-byte load and one byte max per document cell, in two independent chains (even and odd tokens); the 32
     * maxima are widened to shorts and summed in vectors once per document (|sum| ≤ 32·128 fits a short), where a
     * copy to an array and 32 scalar adds cost about as much as a short document's loads.
     */
    @Override
    public int int8CentroidMaxSim32(byte[] packed, int[] codes, int from, int to) {
        if (to <= from) {
            return 0;
        }
        ByteVector m = ByteVector.fromArray(ByteVector.SPECIES_256, packed, codes[from] * 32);
        ByteVector n = m;
        int t = from + 1;
        for (; t + 1 < to; t += 2) {
            m = m.max(ByteVector.fromArray(ByteVector.SPECIES_256, packed, codes[t] * 32));
            n = n.max(ByteVector.fromArray(ByteVector.SPECIES_256, packed, codes[t + 1] * 32));
        }
        if (t < to) {
            m = m.max(ByteVector.fromArray(ByteVector.SPECIES_256, packed, codes[t] * 32));
        }
        m = m.max(n);
        if (L == 16) {
            return ((ShortVector) m.convertShape(VectorOperators.B2S, ShortVector.SPECIES_512, 0))
                    .reduceLanes(VectorOperators.ADD);
        }
        if (L == 8) {
            ShortVector lo = (ShortVector) m.convertShape(VectorOperators.B2S, ShortVector.SPECIES_256, 0);
            ShortVector hi = (ShortVector) m.convertShape(VectorOperators.B2S, ShortVector.SPECIES_256, 1);
            return lo.add(hi).reduceLanes(VectorOperators.ADD);
        }
        int sum = 0;
        for (byte b : m.toArray()) {
            sum += b;
        }
        return sum;
    }

    @Override
    public float centroidMaxSim(float[] scores, int nqPad, int[] codes, int from, int to, boolean[] keep, float[] max) {
        if (nqPad % L != 0) {
            return REF.centroidMaxSim(scores, nqPad, codes, from, to, keep, max);
        }
        if (keep == null && nqPad == 2 * L) {
            FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
            for (int t = from; t < to; t++) {
                int o = codes[t] * nqPad;
                m0 = m0.max(FloatVector.fromArray(S, scores, o));
                m1 = m1.max(FloatVector.fromArray(S, scores, o + L));
            }
            return to > from ? m0.add(m1).reduceLanes(VectorOperators.ADD) : 0f;
        }
        for (int i0 = 0; i0 < nqPad; i0 += L) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int t = from; t < to; t++) {
                int c = codes[t];
                if (keep == null || keep[c]) {
                    m = m.max(FloatVector.fromArray(S, scores, c * nqPad + i0));
                }
            }
            m.intoArray(max, i0);
        }
        return ScalarLateInteractionKernels.sumFinite(max, nqPad);
    }

    @Override
    public void residualTable(float[] qt, int nqPad, int dim, int nbits, float[] bucketWeights, float[] out) {
        if (nqPad % L != 0) {
            REF.residualTable(qt, nqPad, dim, nbits, bucketWeights, out);
            return;
        }
        int per = 8 / nbits;
        int bpt = dim * nbits / 8;
        int nb = 1 << nbits;
        int[] buckets = ScalarLateInteractionKernels.byteBuckets(nbits);
        // w_k · q[dim] for every bucket k and dim of one byte, then each byte value is a sum of `per` of them
        float[] scaled = new float[per * nb * nqPad];
        // the partial sums of a byte's first dims, by the byte's leading bits: at most 256 / nb rows
        float[] prev = new float[256 / nb * nqPad];
        float[] cur = new float[256 / nb * nqPad];
        for (int b = 0; b < bpt; b++) {
            for (int j = 0; j < per; j++) {
                for (int k = 0; k < nb; k++) {
                    FloatVector w = FloatVector.broadcast(S, bucketWeights[k]);
                    for (int i0 = 0; i0 < nqPad; i0 += L) {
                        FloatVector.fromArray(S, qt, (b * per + j) * nqPad + i0).mul(w)
                                .intoArray(scaled, (j * nb + k) * nqPad + i0);
                    }
                }
            }
            // Dim j of a byte sits in bits below dim j-1's (ResidualPacking), so the bytes sharing their leading
            // (j+1)·nbits bits share the sum of dims 0..j: level j sums each prefix once from level j-1's, in the
            // order the per-entry sum ran (dim 0, then 1, ...), so every entry is the same float with a third of
            // the adds and loads at nbits 2. The last level is the table's 256 rows.
            for (int j = 1; j < per; j++) {
                int shift = 8 - (j + 1) * nbits;
                int rows = 1 << ((j + 1) * nbits);
                float[] dst = j == per - 1 ? out : cur;
                int base = j == per - 1 ? b * 256 * nqPad : 0;
                for (int y = 0; y < rows; y++) {
                    int v = y << shift;
                    int src = j == 1 ? buckets[v * per] * nqPad : (y >>> nbits) * nqPad;
                    float[] from = j == 1 ? scaled : prev;
                    int add = (j * nb + buckets[v * per + j]) * nqPad;
                    for (int i0 = 0; i0 < nqPad; i0 += L) {
                        FloatVector.fromArray(S, from, src + i0).add(FloatVector.fromArray(S, scaled, add + i0))
                                .intoArray(dst, base + y * nqPad + i0);
                    }
                }
                float[] t = prev;
                prev = cur;
                cur = t;
            }
        }
    }

    @Override
    public float residualMaxSim(float[] centroidScores, float[] residualTable, int nqPad, int[] codes, byte[] residuals,
            int bpt, float[] invNorms, int from, int to, float[] max) {
        if (nqPad % L != 0) {
            return REF.residualMaxSim(centroidScores, residualTable, nqPad, codes, residuals, bpt, invNorms, from, to, max);
        }
        if (nqPad == 2 * L) {
            FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
            for (int t = from; t < to; t++) {
                int c = codes[t] * nqPad;
                FloatVector a0 = FloatVector.fromArray(S, centroidScores, c);
                FloatVector a1 = FloatVector.fromArray(S, centroidScores, c + L);
                int r = t * bpt;
                for (int b = 0; b < bpt; b++) {
                    int o = ((b << 8) + (residuals[r + b] & 0xff)) * nqPad;
                    a0 = a0.add(FloatVector.fromArray(S, residualTable, o));
                    a1 = a1.add(FloatVector.fromArray(S, residualTable, o + L));
                }
                FloatVector inv = FloatVector.broadcast(S, invNorms[t]);
                m0 = m0.max(a0.mul(inv));
                m1 = m1.max(a1.mul(inv));
            }
            return to > from ? m0.add(m1).reduceLanes(VectorOperators.ADD) : 0f;
        }
        float total = 0;
        for (int i0 = 0; i0 < nqPad; i0 += L) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int t = from; t < to; t++) {
                FloatVector a = FloatVector.fromArray(S, centroidScores, codes[t] * nqPad + i0);
                int r = t * bpt;
                for (int b = 0; b < bpt; b++) {
                    a = a.add(FloatVector.fromArray(S, residualTable, ((b << 8) + (residuals[r + b] & 0xff)) * nqPad + i0));
                }
                m = m.max(a.mul(invNorms[t]));
            }
            total += to > from ? m.reduceLanes(VectorOperators.ADD) : 0f;
        }
        return total;
    }

    @Override
    public String name() {
        return "vector-api(" + S.vectorBitSize() + "-bit)";
    }
}
