package io.tartan.format.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Stage 3 and 4 kernel variants (issue 17) at the 1× set's shapes, timed by thread CPU time and interleaved call by
 * call as {@code Stage1CpuTiming} does: stage 4 is the residual table and the exact MaxSim of 64 documents of 60
 * tokens (dim 128, nbits 2, 32 query tokens, 16,384 centroids), stage 3 the int8 centroid-only MaxSim of 5,930
 * documents of 50 cells (random codes and residual bytes, so the table rows are hit more evenly than real residuals
 * hit them). The shipped kernels, timed through {@link LateInteractionKernels}, against variants copied here (none
 * shipped): main's per-entry residual table build, main's int8 MaxSim (a lane sum through {@code toArray}), and
 * exact MaxSims that keep each token's sum in byte order (the same floats): main's one token a step, two tokens a
 * step (the shipped kernel runs four on two vectors a token), token-major over groups of 8 or 16 byte positions,
 * and position-major (the loop interchange; 16-lane machines only, it is written for 512-bit vectors).
 * Usage: {@code Stage34CpuTiming [rounds [regex]]}, the regex choosing variants by name; prints each variant's median,
 * p25 and p75 in ms and a checksum per variant (equal sums: the variants agree; the token-major stage 4 MaxSims read
 * the table "s4 table" builds, all zeros if it is not chosen; the position-major ones build their own rows).
 */
public final class Stage34CpuTiming {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    private static final int NQ = 32, DIM = 128, NBITS = 2, BPT = DIM * NBITS / 8, CENTROIDS = 16384;
    private static final int DOCS4 = 64, LEN4 = 60, DOCS3 = 5930, LEN3 = 50;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        // a regex over the names: variants on other vector shapes disturb each other's compiled code in one JVM
        String only = args.length > 1 ? args[1] : ".*";
        LateInteractionKernels k = InteractionKernels.simd().orElseThrow();
        Random rnd = new Random(17);
        float[] qt = new float[DIM * NQ];
        for (int j = 0; j < qt.length; j++) {
            qt[j] = (float) rnd.nextGaussian() * 0.1f;
        }
        float[] weights = {-0.05f, -0.01f, 0.01f, 0.05f};
        float[] cs = new float[CENTROIDS * NQ];
        for (int j = 0; j < cs.length; j++) {
            cs[j] = rnd.nextFloat() * 2 - 1;
        }
        int[] codes = new int[DOCS4 * LEN4];
        byte[] res = new byte[DOCS4 * LEN4 * BPT];
        float[] inv = new float[DOCS4 * LEN4];
        for (int t = 0; t < codes.length; t++) {
            codes[t] = rnd.nextInt(CENTROIDS);
            inv[t] = 0.9f + rnd.nextFloat() * 0.2f;
        }
        rnd.nextBytes(res);
        int[] cells = new int[DOCS3 * LEN3];
        for (int t = 0; t < cells.length; t++) {
            cells[t] = rnd.nextInt(CENTROIDS);
        }
        byte[] int8 = new byte[CENTROIDS * 32];
        k.packScoresInt8x32(cs, CENTROIDS, int8);
        float[] full = new float[BPT * 256 * NQ];
        float[] max = new float[NQ];
        int[] starts = new int[DOCS4 + 1];
        for (int j = 0; j <= DOCS4; j++) {
            starts[j] = j * LEN4;
        }
        float[] slice = new float[full.length];
        float[] acc = new float[DOCS4 * LEN4 * NQ];
        float[] maxs = new float[DOCS4 * NQ];
        float[] scores = new float[DOCS4];

        String[] names = {"s4 table, main's", "s4 table", "s4 two tokens a step",
            "s4 shipped", "s4 groups of 8 positions", "s4 groups of 16 positions", "s4 by position, 16 columns",
            "s4 by position, 16 columns x 2", "s3 main toArray sum", "s3 shipped"};
        DoubleSupplier[] runs = {
            () -> { tableMain(qt, NQ, DIM, NBITS, weights, full); return full[5]; },
            () -> { k.residualTable(qt, NQ, DIM, NBITS, weights, full); return full[5]; },
            () -> docs4((f, t) -> twoTokens(cs, full, NQ, codes, res, BPT, inv, f, t)),
            () -> docs4((f, t) -> k.residualMaxSim(cs, full, NQ, codes, res, BPT, inv, f, t, max)),
            () -> { groups(8, cs, full, NQ, codes, res, BPT, inv, starts, DOCS4, acc, maxs, scores); return docs4((f, t) -> scores[f / LEN4]); },
            () -> { groups(16, cs, full, NQ, codes, res, BPT, inv, starts, DOCS4, acc, maxs, scores); return docs4((f, t) -> scores[f / LEN4]); },
            () -> { posMajor(1, qt, weights, cs, codes, res, inv, starts, slice, acc, maxs, scores); return docs4((f, t) -> scores[f / LEN4]); },
            () -> { posMajor(2, qt, weights, cs, codes, res, inv, starts, slice, acc, maxs, scores); return docs4((f, t) -> scores[f / LEN4]); },
            () -> { double s = 0; for (int d = 0; d < DOCS3; d++) s += int8ToArray(int8, cells, d * LEN3, d * LEN3 + LEN3); return s; },
            () -> { double s = 0; for (int d = 0; d < DOCS3; d++) s += k.int8CentroidMaxSim32(int8, cells, d * LEN3, d * LEN3 + LEN3); return s; },
        };
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[][] t = new long[names.length][rounds];
        double[] sums = new double[names.length];
        for (int r = -100; r < rounds; r++) {
            for (int i = 0; i < runs.length; i++) {
                if (!names[i].matches(only)) {
                    continue;
                }
                long t0 = mx.getCurrentThreadCpuTime();
                sums[i] = runs[i].getAsDouble();
                long dt = mx.getCurrentThreadCpuTime() - t0;
                if (r >= 0) {
                    t[i][r] = dt;
                }
            }
        }
        System.out.printf("%s, %d rounds, load %s%n", k.name(), rounds, Files.readString(Path.of("/proc/loadavg")).trim());
        for (int i = 0; i < names.length; i++) {
            if (!names[i].matches(only)) {
                continue;
            }
            long[] x = t[i].clone();
            Arrays.sort(x);
            System.out.printf("  %-28s median %7.3f ms  p25 %7.3f  p75 %7.3f  check %s%n", names[i], x[rounds / 2] / 1e6,
                    x[rounds / 4] / 1e6, x[3 * rounds / 4] / 1e6, sums[i]);
        }
    }

    private interface Doc {
        float score(int from, int to);
    }

    private static double docs4(Doc d) {
        double s = 0;
        for (int j = 0; j < DOCS4; j++) {
            s += d.score(j * LEN4, j * LEN4 + LEN4);
        }
        return s;
    }

    /** Two tokens a step (independent add chains), the variant of e48e277: same floats as main's kernel. */
    private static float twoTokens(float[] centroidScores, float[] residualTable, int nqPad, int[] codes,
            byte[] residuals, int bpt, float[] invNorms, int from, int to) {
        if (nqPad == 2 * L) {
            FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
            int t = from;
            // two tokens a step: four independent add chains instead of two, each still summed in byte order
            for (; t + 1 < to; t += 2) {
                int c = codes[t] * nqPad;
                int d = codes[t + 1] * nqPad;
                FloatVector a0 = FloatVector.fromArray(S, centroidScores, c);
                FloatVector a1 = FloatVector.fromArray(S, centroidScores, c + L);
                FloatVector b0 = FloatVector.fromArray(S, centroidScores, d);
                FloatVector b1 = FloatVector.fromArray(S, centroidScores, d + L);
                int r = t * bpt;
                for (int b = 0; b < bpt; b++) {
                    int o = ((b << 8) + (residuals[r + b] & 0xff)) * nqPad;
                    int e = ((b << 8) + (residuals[r + bpt + b] & 0xff)) * nqPad;
                    a0 = a0.add(FloatVector.fromArray(S, residualTable, o));
                    a1 = a1.add(FloatVector.fromArray(S, residualTable, o + L));
                    b0 = b0.add(FloatVector.fromArray(S, residualTable, e));
                    b1 = b1.add(FloatVector.fromArray(S, residualTable, e + L));
                }
                FloatVector inv = FloatVector.broadcast(S, invNorms[t]);
                FloatVector inv2 = FloatVector.broadcast(S, invNorms[t + 1]);
                m0 = m0.max(a0.mul(inv)).max(b0.mul(inv2));
                m1 = m1.max(a1.mul(inv)).max(b1.mul(inv2));
            }
            if (t < to) {
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
            int t = from;
            // two tokens a step, as above: two independent add chains per query vector
            for (; t + 1 < to; t += 2) {
                FloatVector a = FloatVector.fromArray(S, centroidScores, codes[t] * nqPad + i0);
                FloatVector c = FloatVector.fromArray(S, centroidScores, codes[t + 1] * nqPad + i0);
                int r = t * bpt;
                for (int b = 0; b < bpt; b++) {
                    a = a.add(FloatVector.fromArray(S, residualTable, ((b << 8) + (residuals[r + b] & 0xff)) * nqPad + i0));
                    c = c.add(FloatVector.fromArray(S, residualTable, ((b << 8) + (residuals[r + bpt + b] & 0xff)) * nqPad + i0));
                }
                m = m.max(a.mul(invNorms[t])).max(c.mul(invNorms[t + 1]));
            }
            if (t < to) {
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

    /**
     * The loop interchange (measured, not shipped): for each 16 query columns, every token's accumulator starts at
     * its centroid's scores, then byte position by byte position (p at a time, their rows built just before as the
     * table builds them, 16 KB each) every token adds its rows, the last pass fused with the document maxima. Same
     * floats; the lookups stay in L1 but each token's accumulator goes through L1 and L2 once per pass.
     */
    private static void posMajor(int p, float[] qt, float[] w, float[] cs, int[] codes, byte[] res,
            float[] inv, int[] starts, float[] slices, float[] acc, float[] max, float[] out) {
        int nqPad = NQ, bpt = BPT, ndocs = DOCS4, per = 4, nb = 4;
        int cols = S16.length();
        int[] buckets = ScalarLateInteractionKernels.byteBuckets(NBITS);
        float[] scaled = new float[per * nb * cols];
        int n = starts[ndocs];
        for (int h = 0; h < nqPad; h += cols) {
            for (int g = 0; g < bpt; g += p) {
                int ge = Math.min(bpt, g + p);
                for (int b = g; b < ge; b++) {
                    for (int j = 0; j < per; j++) {
                        for (int k = 0; k < nb; k++) {
                            FloatVector.fromArray(S16, qt, (b * per + j) * nqPad + h).mul(w[k]).intoArray(scaled, (j * nb + k) * cols);
                        }
                    }
                    int so = (b - g) * 256 * cols;
                    for (int x = 0; x < 256; x++) {
                        FloatVector a = FloatVector.fromArray(S16, scaled, buckets[x * per] * cols);
                        for (int j = 1; j < per; j++) {
                            a = a.add(FloatVector.fromArray(S16, scaled, (j * nb + buckets[x * per + j]) * cols));
                        }
                        a.intoArray(slices, so + x * cols);
                    }
                }
                boolean first = g == 0;
                if (ge < bpt) {
                    for (int t = 0; t < n; t++) {
                        FloatVector a = first ? FloatVector.fromArray(S16, cs, codes[t] * nqPad + h) : FloatVector.fromArray(S16, acc, t * cols);
                        int r = t * bpt;
                        for (int b = g; b < ge; b++) {
                            a = a.add(FloatVector.fromArray(S16, slices, (((b - g) << 8) + (res[r + b] & 0xff)) * cols));
                        }
                        a.intoArray(acc, t * cols);
                    }
                } else {
                    for (int j = 0; j < ndocs; j++) {
                        FloatVector m = FloatVector.broadcast(S16, Float.NEGATIVE_INFINITY);
                        for (int t = starts[j]; t < starts[j + 1]; t++) {
                            FloatVector a = first ? FloatVector.fromArray(S16, cs, codes[t] * nqPad + h) : FloatVector.fromArray(S16, acc, t * cols);
                            int r = t * bpt;
                            for (int b = g; b < ge; b++) {
                                a = a.add(FloatVector.fromArray(S16, slices, (((b - g) << 8) + (res[r + b] & 0xff)) * cols));
                            }
                            m = m.max(a.mul(inv[t]));
                        }
                        m.intoArray(max, j * nqPad + h);
                    }
                }
            }
        }
        for (int j = 0; j < ndocs; j++) {
            int o = j * nqPad;
            if (nqPad == 2 * L) {
                out[j] = FloatVector.fromArray(S, max, o).add(FloatVector.fromArray(S, max, o + L)).reduceLanes(VectorOperators.ADD);
            } else {
                float total = 0;
                for (int i0 = 0; i0 < nqPad; i0 += L) {
                    total += FloatVector.fromArray(S, max, o + i0).reduceLanes(VectorOperators.ADD);
                }
                out[j] = total;
            }
        }
    }

    /** main's residualTable: each entry summed from {@code per} scaled rows (the same floats as the prefix build). */
    private static void tableMain(float[] qt, int nqPad, int dim, int nbits, float[] bucketWeights, float[] out) {
        int per = 8 / nbits;
        int bpt = dim * nbits / 8;
        int nb = 1 << nbits;
        int[] buckets = ScalarLateInteractionKernels.byteBuckets(nbits);
        float[] scaled = new float[per * nb * nqPad];
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
            for (int v = 0; v < 256; v++) {
                int o = (b * 256 + v) * nqPad;
                for (int i0 = 0; i0 < nqPad; i0 += L) {
                    FloatVector acc = FloatVector.fromArray(S, scaled, buckets[v * per] * nqPad + i0);
                    for (int j = 1; j < per; j++) {
                        acc = acc.add(FloatVector.fromArray(S, scaled, (j * nb + buckets[v * per + j]) * nqPad + i0));
                    }
                    acc.intoArray(out, o + i0);
                }
            }
        }
    }

    /**
     * Token-major within groups of p byte positions (p · 32 KB of the table, L2-resident), all documents' tokens per
     * group: each token's sum stays in registers over the group and goes through an accumulator array between groups.
     * Written for two vectors a token (32 query tokens on 16 lanes); on 8 lanes it scores half the columns.
     */
    private static void groups(int p, float[] cs, float[] table, int nqPad, int[] codes, byte[] res, int bpt,
            float[] inv, int[] starts, int ndocs, float[] acc, float[] max, float[] out) {
        int n = starts[ndocs];
        for (int g = 0; g < bpt; g += p) {
            int ge = Math.min(bpt, g + p);
            boolean first = g == 0;
            if (ge < bpt) {
                for (int t = 0; t < n; t++) {
                    int r = t * bpt;
                    FloatVector a0 = first ? FloatVector.fromArray(S, cs, codes[t] * nqPad) : FloatVector.fromArray(S, acc, t * nqPad);
                    FloatVector a1 = first ? FloatVector.fromArray(S, cs, codes[t] * nqPad + L) : FloatVector.fromArray(S, acc, t * nqPad + L);
                    for (int b = g; b < ge; b++) {
                        int o = ((b << 8) + (res[r + b] & 0xff)) * nqPad;
                        a0 = a0.add(FloatVector.fromArray(S, table, o));
                        a1 = a1.add(FloatVector.fromArray(S, table, o + L));
                    }
                    a0.intoArray(acc, t * nqPad);
                    a1.intoArray(acc, t * nqPad + L);
                }
            } else {
                for (int j = 0; j < ndocs; j++) {
                    FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
                    for (int t = starts[j]; t < starts[j + 1]; t++) {
                        int r = t * bpt;
                        FloatVector a0 = first ? FloatVector.fromArray(S, cs, codes[t] * nqPad) : FloatVector.fromArray(S, acc, t * nqPad);
                        FloatVector a1 = first ? FloatVector.fromArray(S, cs, codes[t] * nqPad + L) : FloatVector.fromArray(S, acc, t * nqPad + L);
                        for (int b = g; b < ge; b++) {
                            int o = ((b << 8) + (res[r + b] & 0xff)) * nqPad;
                            a0 = a0.add(FloatVector.fromArray(S, table, o));
                            a1 = a1.add(FloatVector.fromArray(S, table, o + L));
                        }
                        FloatVector i = FloatVector.broadcast(S, inv[t]);
                        m0 = m0.max(a0.mul(i));
                        m1 = m1.max(a1.mul(i));
                    }
                    out[j] = starts[j + 1] > starts[j] ? m0.add(m1).reduceLanes(VectorOperators.ADD) : 0f;
                }
            }
        }
    }

    private static int int8ToArray(byte[] packed, int[] codes, int from, int to) {
        ByteVector m = ByteVector.broadcast(ByteVector.SPECIES_256, Byte.MIN_VALUE);
        for (int t = from; t < to; t++) {
            m = m.max(ByteVector.fromArray(ByteVector.SPECIES_256, packed, codes[t] * 32));
        }
        int sum = 0;
        for (byte b : m.toArray()) {
            sum += b;
        }
        return sum;
    }
}
