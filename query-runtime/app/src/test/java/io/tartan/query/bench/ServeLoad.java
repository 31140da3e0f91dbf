package io.tartan.query.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.cli.NpyArray;
import io.tartan.query.eval.LatencyPercentiles;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load on a running {@code tartan serve}: {@code clients} closed-loop clients send {@code /search} requests (no
 * think time) for {@code seconds}, beside {@code slow} slow-loris connections that trickle a request a byte every
 * 100 ms. Prints p50/p99 latency of the answered requests, throughput, and the count of each status (503 =
 * refused by the bounded queue). Driven by scripts/bench/serve-load.sh.
 *
 * <p>Usage: {@code ServeLoad --url http://127.0.0.1:PORT [--clients 8] [--seconds 20] [--slow 0] [--k 10]
 * [--warmup-seconds 5] [--queries-npy queries.npy] [--json OUT]}. The warm-up runs the same load unrecorded,
 * so the JIT has compiled the search and JSON paths of both sides before the measured seconds start. Without {@code --queries-npy} the queries are 32 random unit vectors
 * of the index's dim.
 */
public final class ServeLoad {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String url = null;
        int clients = 8;
        double seconds = 20;
        int slow = 0;
        double warmup = 5;
        int k = 10;
        Path npy = null;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--slow" -> slow = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmup = Double.parseDouble(args[++i]);
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--queries-npy" -> npy = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        URI base = URI.create(url.endsWith("/") ? url : url + "/");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        int dim = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("dim").asInt();
        List<String> bodies = bodies(npy, dim, k);

        ExecutorService pool = Executors.newCachedThreadPool();
        if (warmup > 0) {
            run(http, base, bodies, clients, warmup, pool, new ConcurrentHashMap<>(), new LongAdder());
        }
        List<Socket> loris = new ArrayList<>();
        for (int i = 0; i < slow; i++) {
            loris.add(SlowLoris.open(base.getHost(), base.getPort(), false, 100, pool));
        }
        ConcurrentHashMap<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder failures = new LongAdder();
        List<Double> all = run(http, base, bodies, clients, seconds, pool, statuses, failures);
        for (Socket s : loris) {
            s.close();
        }
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);

        double[] a = all.stream().mapToDouble(Double::doubleValue).toArray();
        LatencyPercentiles p = a.length == 0 ? null : LatencyPercentiles.of(a);
        ObjectNode o = JSON.createObjectNode();
        o.put("clients", clients);
        o.put("slow_clients", slow);
        o.put("seconds", seconds);
        o.put("ok", a.length);
        o.put("rejected_503", count(statuses, 503));
        o.put("other_status", statuses.entrySet().stream().filter(e -> e.getKey() != 200 && e.getKey() != 503)
                .mapToLong(e -> e.getValue().sum()).sum());
        o.put("connection_failures", failures.sum());
        o.put("p50_ms", p == null ? 0 : round(p.p50()));
        o.put("p99_ms", p == null ? 0 : round(p.percentile(99)));
        o.put("throughput_qps", round(a.length / seconds));
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        System.out.printf("| %d | %d | %.0f | %d | %d | %d | %.2f | %.2f | %.1f |%n", clients, slow, seconds, a.length,
                count(statuses, 503), o.get("other_status").asLong() + failures.sum(), o.get("p50_ms").asDouble(),
                o.get("p99_ms").asDouble(), o.get("throughput_qps").asDouble());
        if (json != null) {
            Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
        }
    }

    /** {@code clients} closed-loop clients for {@code seconds}; returns the latencies (ms) of the 200s. */
    private static List<Double> run(HttpClient http, URI base, List<String> bodies, int clients, double seconds,
            ExecutorService pool, ConcurrentHashMap<Integer, LongAdder> statuses, LongAdder failures) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Future<List<Double>>> runs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int offset = c;
            runs.add(pool.submit(() -> {
                List<Double> ms = new ArrayList<>();
                for (int i = offset; System.nanoTime() < end; i += 7) {
                    HttpRequest req = HttpRequest.newBuilder(base.resolve("search")).timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size()))).build();
                    long t0 = System.nanoTime();
                    try {
                        int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                        if (status == 200) {
                            ms.add((System.nanoTime() - t0) / 1e6);
                        }
                    } catch (IOException e) {
                        failures.increment();
                    }
                }
                return ms;
            }));
        }
        List<Double> all = new ArrayList<>();
        for (Future<List<Double>> f : runs) {
            all.addAll(f.get());
        }
        return all;
    }

    private static long count(ConcurrentHashMap<Integer, LongAdder> statuses, int status) {
        LongAdder n = statuses.get(status);
        return n == null ? 0 : n.sum();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** One {@code /search} body per query of {@code npy} ([n, nq, dim]), or 64 random queries without one. */
    public static List<String> bodies(Path npy, int dim, int k) throws IOException {
        List<float[][]> queries = new ArrayList<>();
        if (npy != null) {
            NpyArray a = NpyArray.read(npy);
            long[] shape = a.shape();
            if (shape.length != 3 || shape[2] != dim) {
                throw new IllegalArgumentException(npy + ": expected [n, nq, " + dim + "]");
            }
            int nq = (int) shape[1];
            for (int q = 0; q < shape[0]; q++) {
                float[][] rows = new float[nq][dim];
                for (int t = 0; t < nq; t++) {
                    System.arraycopy(a.floats(), (q * nq + t) * dim, rows[t], 0, dim);
                }
                queries.add(rows);
            }
        } else {
            Random rnd = new Random(1);
            for (int q = 0; q < 64; q++) {
                float[][] rows = new float[32][dim];
                for (float[] r : rows) {
                    double n = 0;
                    for (int d = 0; d < dim; d++) {
                        r[d] = (float) rnd.nextGaussian();
                        n += r[d] * r[d];
                    }
                    for (int d = 0; d < dim; d++) {
                        r[d] /= (float) Math.sqrt(n);
                    }
                }
                queries.add(rows);
            }
        }
        List<String> bodies = new ArrayList<>();
        for (float[][] q : queries) {
            ObjectNode o = JSON.createObjectNode();
            o.set("vectors", JSON.valueToTree(q));
            o.put("k", k);
            bodies.add(JSON.writeValueAsString(o));
        }
        return bodies;
    }
}
