package io.tartan.format.kernel;


import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stage-1 variants of {@link CentroidScoresBenchmark} timed by thread CPU time, interleaved call by call, so a
 * shared machine's run-queue waits (which JMH's wall-clock average includes) and its load drift hit every variant
 * alike. Usage: {@code Stage1CpuTiming [rounds]}; prints each variant's median, p25 and p75 in ms.
 */
public final class Stage1CpuTiming {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        CentroidScoresBenchmark b = new CentroidScoresBenchmark();
        b.setup();
        Map<String, Runnable> v = new LinkedHashMap<>();
        v.put("scoresCurrent", b::scoresCurrent);
        v.put("scores12acc", b::scores12acc);
        v.put("scores2q6cChunked", b::scores2q6cChunked);
        v.put("scoresBlocked2v6q", b::scoresBlocked2v6q);
        v.put("scoresBlockedGather", b::scoresBlockedGather);
        v.put("topCellsCurrent", b::topCellsCurrent);
        v.put("topCellsOnePass", b::topCellsOnePass);
        v.put("int8Current", b::int8Current);
        v.put("int8Vector", b::int8Vector);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] names = v.keySet().toArray(new String[0]);
        Runnable[] runs = v.values().toArray(new Runnable[0]);
        long[][] t = new long[names.length][rounds];
        int warm = 100;
        for (int r = -warm; r < rounds; r++) {
            for (int i = 0; i < runs.length; i++) {
                long t0 = mx.getCurrentThreadCpuTime();
                runs[i].run();
                long dt = mx.getCurrentThreadCpuTime() - t0;
                if (r >= 0) {
                    t[i][r] = dt;
                }
            }
        }
        System.out.printf("%s, %d rounds, load %s%n", new SimdLateInteractionKernels().name(), rounds,
                readLoad());
        for (int i = 0; i < names.length; i++) {
            long[] x = t[i].clone();
            Arrays.sort(x);
            System.out.printf("  %-20s median %7.3f ms  p25 %7.3f  p75 %7.3f%n", names[i], x[rounds / 2] / 1e6,
                    x[rounds / 4] / 1e6, x[3 * rounds / 4] / 1e6);
        }
    }

    private static String readLoad() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

}
