package io.tartan.query.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.bench.RouterBench;
import io.tartan.query.bench.ServeLoad;
import io.tartan.query.cli.NpyArray;
import io.tartan.query.eval.LatencyPercentiles;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one HTTP hop costs: against a running {@code tartan serve} (one node or a router), times query by query, in
 * rotating order, a trivial {@code GET /health} and {@code POST /search} (base64 vectors, default mode) through two
 * clients, the JDK HTTP client (HTTP/1.1, as the router's was) and the router's own {@link PartitionClient}, which
 * writes the request and reads the answer on the calling thread (keep-alive, TCP_NODELAY), plus, with {@code --index}, the same query searched in this
 * JVM without HTTP. The search's own time the server reports ({@code latency_ms}) is kept too, so the hop is the
 * round trip minus it. Prints p50 and p95 of each.
 *
 * <p>Usage: {@code HopProbe --server URL --queries-npy Q [--index PATH] [--k 10] [--rounds 3] [--warmup-rounds 1]
 * [--skip-search]}. With {@code --skip-search} only the trivial GETs are timed (e.g. the router's own {@code /health}).
 */
public final class HopProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String server = null;
        Path npy = null;
        String index = null;
        int k = 10;
        int rounds = 3;
        int warmup = 1;
        java.util.Set<Integer> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--server" -> server = args[++i];
                case "--queries-npy" -> npy = Path.of(args[++i]);
                case "--index" -> index = args[++i];
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-rounds" -> warmup = Integer.parseInt(args[++i]);
                case "--steps" -> only = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).boxed()
                        .collect(java.util.stream.Collectors.toSet());
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (server == null || npy == null) {
            throw new IllegalArgumentException("usage: HopProbe --server URL --queries-npy Q [--index PATH] [--k 10] [--rounds 3] [--warmup-rounds 1]");
        }
        URI base = URI.create(server);
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        PartitionClient raw = new PartitionClient(base, null);
        NpyArray q = NpyArray.read(npy);
        int dim = (int) q.shape()[q.shape().length - 1];
        List<String> bodies = new ArrayList<>();
        for (String b : ServeLoad.bodies(npy, dim, k)) {
            bodies.add(RouterBench.encode(b, "base64", dim));
        }
        int nq = bodies.size();
        float[][] vectors = new float[nq][];
        TartanIndex idx = null;
        if (index != null) {
            idx = TartanIndex.open(index, OpenOptions.defaults());
            int rows = (int) q.shape()[1];
            for (int i = 0; i < nq; i++) {
                vectors[i] = java.util.Arrays.copyOfRange(q.floats(), i * rows * dim, (i + 1) * rows * dim);
            }
        }
        Map<String, double[]> ms = new LinkedHashMap<>();
        String[] names = {"jdk GET /health", "raw GET /health", "jdk POST /search", "raw POST /search",
                "server latency_ms (raw)", "in-process search"};
        for (String n : names) {
            ms.put(n, new double[nq * rounds]);
        }
        int steps = idx == null ? 5 : 6;
        for (int round = -warmup; round < rounds; round++) {
            for (int i = 0; i < nq; i++) {
                int at = round < 0 ? -1 : round * nq + i;
                for (int s0 = 0; s0 < steps; s0++) {
                    // rotate which step goes first, so none always follows the same other
                    int s = (s0 + i) % steps;
                    if (only != null && !only.contains(s) && !(s == 4 && only.contains(3))) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    double serverMs = -1;
                    switch (s) {
                        case 0 -> check(jdk.send(HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                                HttpResponse.BodyHandlers.ofByteArray()).statusCode());
                        case 1 -> ok(raw, "GET", "/health", null);
                        case 2 -> check(jdk.send(HttpRequest.newBuilder(base.resolve("/search"))
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build(),
                                HttpResponse.BodyHandlers.ofByteArray()).statusCode());
                        case 3 -> serverMs = JSON.readTree(ok(raw, "POST", "/search",
                                bodies.get(i).getBytes(StandardCharsets.UTF_8))).path("latency_ms").asDouble();
                        case 4 -> {
                            continue; // the server's latency_ms is recorded with step 3
                        }
                        default -> idx.search(vectors[i], k, SearchParams.defaults());
                    }
                    double took = (System.nanoTime() - t0) / 1e6;
                    if (at >= 0) {
                        ms.get(names[s == 5 ? 5 : s])[at] = took;
                        if (s == 3) {
                            ms.get(names[4])[at] = serverMs;
                        }
                    }
                }
            }
        }
        for (String n : names) {
            if (n.equals("in-process search") && idx == null || only != null && !only.contains(java.util.Arrays.asList(names).indexOf(n))
                    && !(n.startsWith("server") && only.contains(3))) {
                continue;
            }
            LatencyPercentiles p = LatencyPercentiles.of(ms.get(n));
            System.out.printf(Locale.ROOT, "%-26s p50 %7.3f ms  p95 %7.3f ms%n", n, p.p50(), p.p95());
        }
        raw.close();
        if (idx != null) {
            idx.close();
        }
    }

    private static void check(int status) {
        if (status != 200) {
            throw new IllegalStateException("HTTP " + status);
        }
    }

    /** One exchange on {@code c} with a minute to answer; the body of the answer, which must be a 200. */
    static byte[] ok(PartitionClient c, String method, String path, byte[] body) throws IOException {
        return ok(c.send(method, path, body, System.nanoTime() + TimeUnit.MINUTES.toNanos(1)), path);
    }

    /** The body of a call's answer, which must be a 200. */
    static byte[] ok(PartitionClient.Call call, String path) throws IOException {
        PartitionClient.Answer a = call.answer();
        if (a.status() != 200) {
            throw new IllegalStateException(path + ": HTTP " + a.status() + ": " + new String(a.body(), StandardCharsets.UTF_8));
        }
        return a.body();
    }
}
