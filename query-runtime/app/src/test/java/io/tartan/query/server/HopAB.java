package io.tartan.query.server;

import io.tartan.query.bench.RouterBench;
import io.tartan.query.bench.ServeLoad;
import io.tartan.query.cli.NpyArray;
import io.tartan.query.eval.LatencyPercentiles;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Servers side by side: times each query's {@code POST /search} (base64 vectors, default mode) on every target in
 * rotating order, and, with {@code --fanout}, on all the given partitions at once (written to all, then read in turn,
 * on this thread), with one blocking kept-alive socket per server ({@link PartitionClient}), so the client adds the
 * same little to every figure. Prints p50 and p95 of each and the load average at the start and the end.
 *
 * <p>Usage: {@code HopAB --targets NAME=URL,NAME=URL… [--fanout NAME=URL|URL|…]… --queries-npy Q [--k 10]
 * [--rounds 3] [--warmup-rounds 1]}.
 */
public final class HopAB {
    public static void main(String[] args) throws Exception {
        List<String> names = new ArrayList<>();
        List<List<PartitionClient>> conns = new ArrayList<>();
        Path npy = null;
        int k = 10;
        int rounds = 3;
        int warmup = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--targets" -> {
                    for (String t : args[++i].split(",")) {
                        String[] nv = t.split("=", 2);
                        names.add(nv[0]);
                        conns.add(List.of(client(nv[1])));
                    }
                }
                case "--fanout" -> {
                    String[] nv = args[++i].split("=", 2);
                    List<PartitionClient> ps = new ArrayList<>();
                    for (String u : nv[1].split("\\|")) {
                        ps.add(client(u));
                    }
                    names.add(nv[0]);
                    conns.add(ps);
                }
                case "--queries-npy" -> npy = Path.of(args[++i]);
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-rounds" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        NpyArray q = NpyArray.read(npy);
        int dim = (int) q.shape()[q.shape().length - 1];
        List<byte[]> bodies = new ArrayList<>();
        for (String b : ServeLoad.bodies(npy, dim, k)) {
            bodies.add(RouterBench.encode(b, "base64", dim).getBytes(StandardCharsets.UTF_8));
        }
        String loadStart = load();
        int nq = bodies.size();
        int nt = names.size();
        double[][] ms = new double[nt][nq * rounds];
        for (int round = -warmup; round < rounds; round++) {
            for (int i = 0; i < nq; i++) {
                for (int t0 = 0; t0 < nt; t0++) {
                    int t = (t0 + i + Math.max(round, 0)) % nt;
                    long s = System.nanoTime();
                    long deadline = s + TimeUnit.MINUTES.toNanos(1);
                    List<PartitionClient.Call> calls = new ArrayList<>();
                    for (PartitionClient c : conns.get(t)) {
                        calls.add(c.send("POST", "/search", bodies.get(i), deadline));
                    }
                    for (PartitionClient.Call c : calls) {
                        HopProbe.ok(c, "/search");
                    }
                    if (round >= 0) {
                        ms[t][round * nq + i] = (System.nanoTime() - s) / 1e6;
                    }
                }
            }
        }
        System.out.println("load " + loadStart + " -> " + load() + "; " + nq + " queries x " + rounds + " rounds");
        for (int t = 0; t < nt; t++) {
            LatencyPercentiles p = LatencyPercentiles.of(ms[t]);
            System.out.printf(Locale.ROOT, "%-20s p50 %7.3f ms  p95 %7.3f ms%n", names.get(t), p.p50(), p.p95());
        }
    }

    private static PartitionClient client(String url) {
        return new PartitionClient(URI.create(url), null);
    }

    private static String load() throws Exception {
        return String.join(" ", Arrays.copyOf(java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
    }
}
