package io.tartan.format.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@link Stage1Benchmark}'s methods timed by thread CPU time, interleaved call by call, so a shared machine's
 * run-queue waits (which JMH's wall-clock average includes) and its load drift hit every method alike. Usage:
 * {@code Stage1CpuTiming [rounds] [vector-api|scalar]}; prints each method's median, p25 and p75 in ms.
 */
public final class Stage1CpuTiming {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Stage1Benchmark b = new Stage1Benchmark();
        b.kernels = args.length > 1 ? args[1] : "vector-api";
        b.setup();
        String[] names = {"centroidScoresRows", "centroidScoresPrepared", "topCells", "int8Table"};
        Runnable[] runs = {b::centroidScoresRows, b::centroidScoresPrepared, b::topCells, b::int8Table};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[][] t = new long[names.length][rounds];
        for (int r = -100; r < rounds; r++) {
            for (int i = 0; i < runs.length; i++) {
                long t0 = mx.getCurrentThreadCpuTime();
                runs[i].run();
                long dt = mx.getCurrentThreadCpuTime() - t0;
                if (r >= 0) {
                    t[i][r] = dt;
                }
            }
        }
        System.out.printf("%s, %d rounds, load %s%n", b.k.name(), rounds, Files.readString(Path.of("/proc/loadavg")).trim());
        for (int i = 0; i < names.length; i++) {
            long[] x = t[i].clone();
            Arrays.sort(x);
            System.out.printf("  %-24s median %7.3f ms  p25 %7.3f  p75 %7.3f%n", names[i], x[rounds / 2] / 1e6,
                    x[rounds / 4] / 1e6, x[3 * rounds / 4] / 1e6);
        }
    }
}
