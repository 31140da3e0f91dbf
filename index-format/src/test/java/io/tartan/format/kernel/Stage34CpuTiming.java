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
 * documents of 50 cells. The full 256-row table (main before issue 17's stage 4 work) against the table split at each
 * byte's last dim, one and two tokens a step; the shipped kernels are timed through {@link LateInteractionKernels}.
 * Usage: {@code Stage34CpuTiming [rounds]}; prints each variant's median, p25 and p75 in ms and a checksum per
 * variant (equal sums: the variants agree).
 */
public final class Stage34CpuTiming {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NQ = 32, DIM = 128, NBITS = 2, BPT = DIM * NBITS / 8, CENTROIDS = 16384;
    private static final int DOCS4 = 64, LEN4 = 60, DOCS3 = 5930, LEN3 = 50;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
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
        float[] split = new float[full.length];
        float[] max = new float[NQ];
        int[] buckets = ScalarLateInteractionKernels.byteBuckets(NBITS);

        String[] names = {"s4 table full", "s4 table split", "s4 full 1 token", "s4 full 2 tokens", "s4 split 1 token",
            "s4 shipped (table + MaxSim)", "s3 int8 toArray sum", "s3 int8 shipped"};
        DoubleSupplier[] runs = {
            () -> { fullTable(qt, weights, buckets, full); return full[5]; },
            () -> { k.residualTable(qt, NQ, DIM, NBITS, weights, split); return split[5]; },
            () -> docs4((f, t) -> full1(cs, full, codes, res, inv, f, t)),
            () -> docs4((f, t) -> full2(cs, full, codes, res, inv, f, t)),
            () -> docs4((f, t) -> split1(cs, split, codes, res, inv, f, t)),
            () -> { k.residualTable(qt, NQ, DIM, NBITS, weights, split);
                return docs4((f, t) -> k.residualMaxSim(cs, split, NQ, codes, res, BPT, inv, f, t, max)); },
            () -> { double s = 0; for (int d = 0; d < DOCS3; d++) s += int8ToArray(int8, cells, d * LEN3, d * LEN3 + LEN3); return s; },
            () -> { double s = 0; for (int d = 0; d < DOCS3; d++) s += k.int8CentroidMaxSim32(int8, cells, d * LEN3, d * LEN3 + LEN3); return s; },
        };
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[][] t = new long[names.length][rounds];
        double[] sums = new double[names.length];
        for (int r = -100; r < rounds; r++) {
            for (int i = 0; i < runs.length; i++) {
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

    /** main's table: 256 rows a byte position, each a sum of the byte's 4 dims' terms. */
    private static void fullTable(float[] qt, float[] w, int[] buckets, float[] out) {
        int per = 8 / NBITS, nb = 1 << NBITS;
        float[] scaled = new float[per * nb * NQ];
        for (int b = 0; b < BPT; b++) {
            for (int j = 0; j < per; j++) {
                for (int k = 0; k < nb; k++) {
                    FloatVector wk = FloatVector.broadcast(S, w[k]);
                    for (int i0 = 0; i0 < NQ; i0 += L) {
                        FloatVector.fromArray(S, qt, (b * per + j) * NQ + i0).mul(wk).intoArray(scaled, (j * nb + k) * NQ + i0);
                    }
                }
            }
            for (int v = 0; v < 256; v++) {
                int o = (b * 256 + v) * NQ;
                for (int i0 = 0; i0 < NQ; i0 += L) {
                    FloatVector acc = FloatVector.fromArray(S, scaled, buckets[v * per] * NQ + i0);
                    for (int j = 1; j < per; j++) {
                        acc = acc.add(FloatVector.fromArray(S, scaled, (j * nb + buckets[v * per + j]) * NQ + i0));
                    }
                    acc.intoArray(out, o + i0);
                }
            }
        }
    }

    /** main's exact MaxSim (32 query tokens in two vectors on 16 lanes; on 8 lanes the same per 8-lane quarter). */
    private static float full1(float[] cs, float[] table, int[] codes, byte[] res, float[] inv, int from, int to) {
        float total = 0;
        for (int i0 = 0; i0 < NQ; i0 += L) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int t = from; t < to; t++) {
                FloatVector a = FloatVector.fromArray(S, cs, codes[t] * NQ + i0);
                int r = t * BPT;
                for (int b = 0; b < BPT; b++) {
                    a = a.add(FloatVector.fromArray(S, table, ((b << 8) + (res[r + b] & 0xff)) * NQ + i0));
                }
                m = m.max(a.mul(inv[t]));
            }
            total += m.reduceLanes(VectorOperators.ADD);
        }
        return total;
    }

    private static float full2(float[] cs, float[] table, int[] codes, byte[] res, float[] inv, int from, int to) {
        float total = 0;
        for (int i0 = 0; i0 < NQ; i0 += L) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int t = from;
            for (; t + 1 < to; t += 2) {
                FloatVector a = FloatVector.fromArray(S, cs, codes[t] * NQ + i0);
                FloatVector c = FloatVector.fromArray(S, cs, codes[t + 1] * NQ + i0);
                int r = t * BPT;
                for (int b = 0; b < BPT; b++) {
                    a = a.add(FloatVector.fromArray(S, table, ((b << 8) + (res[r + b] & 0xff)) * NQ + i0));
                    c = c.add(FloatVector.fromArray(S, table, ((b << 8) + (res[r + BPT + b] & 0xff)) * NQ + i0));
                }
                m = m.max(a.mul(inv[t])).max(c.mul(inv[t + 1]));
            }
            for (; t < to; t++) {
                FloatVector a = FloatVector.fromArray(S, cs, codes[t] * NQ + i0);
                int r = t * BPT;
                for (int b = 0; b < BPT; b++) {
                    a = a.add(FloatVector.fromArray(S, table, ((b << 8) + (res[r + b] & 0xff)) * NQ + i0));
                }
                m = m.max(a.mul(inv[t]));
            }
            total += m.reduceLanes(VectorOperators.ADD);
        }
        return total;
    }

    /** The split table (the shipped layout) one token a step. */
    private static float split1(float[] cs, float[] table, int[] codes, byte[] res, float[] inv, int from, int to) {
        int np = 256 >>> NBITS, mask = (1 << NBITS) - 1, rows = np + mask + 1;
        float total = 0;
        for (int i0 = 0; i0 < NQ; i0 += L) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int t = from; t < to; t++) {
                FloatVector a = FloatVector.fromArray(S, cs, codes[t] * NQ + i0);
                int r = t * BPT;
                for (int b = 0; b < BPT; b++) {
                    int v = res[r + b] & 0xff;
                    a = a.add(FloatVector.fromArray(S, table, (b * rows + (v >>> NBITS)) * NQ + i0)
                            .add(FloatVector.fromArray(S, table, (b * rows + np + (v & mask)) * NQ + i0)));
                }
                m = m.max(a.mul(inv[t]));
            }
            total += m.reduceLanes(VectorOperators.ADD);
        }
        return total;
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
