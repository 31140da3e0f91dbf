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
 * hit them). main's kernels (copied here) against the shipped ones, timed through {@link LateInteractionKernels}.
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
        float[] max = new float[NQ];

        String[] names = {"s4 table", "s4 main 1 token a step", "s4 shipped", "s3 main toArray sum", "s3 shipped"};
        DoubleSupplier[] runs = {
            () -> { k.residualTable(qt, NQ, DIM, NBITS, weights, full); return full[5]; },
            () -> docs4((f, t) -> main1(cs, full, codes, res, inv, f, t)),
            () -> docs4((f, t) -> k.residualMaxSim(cs, full, NQ, codes, res, BPT, inv, f, t, max)),
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

    /** main's exact MaxSim for 32 query tokens on 16 lanes (both halves a token step); on 8 lanes per quarter. */
    private static float main1(float[] cs, float[] table, int[] codes, byte[] res, float[] inv, int from, int to) {
        if (L == 16) {
            FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
            for (int t = from; t < to; t++) {
                int c = codes[t] * NQ;
                FloatVector a0 = FloatVector.fromArray(S, cs, c);
                FloatVector a1 = FloatVector.fromArray(S, cs, c + L);
                int r = t * BPT;
                for (int b = 0; b < BPT; b++) {
                    int o = ((b << 8) + (res[r + b] & 0xff)) * NQ;
                    a0 = a0.add(FloatVector.fromArray(S, table, o));
                    a1 = a1.add(FloatVector.fromArray(S, table, o + L));
                }
                FloatVector w = FloatVector.broadcast(S, inv[t]);
                m0 = m0.max(a0.mul(w));
                m1 = m1.max(a1.mul(w));
            }
            return m0.add(m1).reduceLanes(VectorOperators.ADD);
        }
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
