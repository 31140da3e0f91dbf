package io.tartan.query.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.eval.LatencyPercentiles;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The router figures of docs/BENCHMARKS.md: against a running single-node {@code tartan serve}, a router and its
 * partition servers, checks that every query's exact top k through the router equals the single node's (ids and
 * scores), then times each query (default mode, one client, sequential) through the router and directly on every
 * partition, and prints p50/p95 of the router, of each partition, the router's p50 minus the slowest partition's, and
 * the router's p50 minus that of this client asking all partitions at once (the router's own cost where the machine
 * has fewer cores than partitions).
 * Driven by scripts/bench/router.sh.
 *
 * <p>Usage: {@code RouterBench --single URL --router URL --partitions URL,URL,… [--queries-npy Q] [--k 10]
 * [--warmup-rounds 2] [--json OUT]}.
 */
public final class RouterBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        String single = null;
        String router = null;
        List<String> partitions = List.of();
        Path npy = null;
        Path json = null;
        int k = 10;
        int warmup = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--single" -> single = args[++i];
                case "--router" -> router = args[++i];
                case "--partitions" -> partitions = Arrays.asList(args[++i].split(","));
                case "--queries-npy" -> npy = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--warmup-rounds" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (single == null || router == null || partitions.isEmpty()) {
            throw new IllegalArgumentException("usage: RouterBench --single URL --router URL --partitions URL,URL,… "
                    + "[--queries-npy Q] [--k 10] [--warmup-rounds 2] [--json OUT]");
        }
        new RouterBench().run(single, router, partitions, npy, k, warmup, json);
    }

    private void run(String single, String router, List<String> partitions, Path npy, int k, int warmup, Path json) throws Exception {
        int dim = get(single + "/stats").get("dim").asInt();
        List<String> fast = ServeLoad.bodies(npy, dim, k);
        List<String> exact = new ArrayList<>();
        for (String b : fast) {
            ObjectNode o = (ObjectNode) JSON.readTree(b);
            o.putObject("params").put("mode", "exact");
            exact.add(JSON.writeValueAsString(o));
        }

        int equal = 0;
        String firstDiff = null;
        for (int q = 0; q < exact.size(); q++) {
            JsonNode s = post(single, exact.get(q)).get("results");
            JsonNode r = post(router, exact.get(q));
            if (r.get("partial").asBoolean()) {
                throw new IllegalStateException("query " + q + ": the router answered a partial result: " + r.get("failed_partitions"));
            }
            if (s.equals(r.get("results"))) {
                equal++;
            } else if (firstDiff == null) {
                firstDiff = "query " + q + ": single " + s + " router " + r.get("results");
            }
        }

        List<String> targets = new ArrayList<>(partitions);
        targets.add(0, router);
        for (int round = 0; round < warmup; round++) {
            for (String b : fast) {
                for (String t : targets) {
                    post(t, b);
                }
            }
        }
        double[][] ms = new double[targets.size()][fast.size()];
        double[] fanout = new double[fast.size()];
        for (int q = 0; q < fast.size(); q++) {
            for (int t = 0; t < targets.size(); t++) {
                long t0 = System.nanoTime();
                post(targets.get(t), fast.get(q));
                ms[t][q] = (System.nanoTime() - t0) / 1e6;
            }
            fanout[q] = fanOut(partitions, fast.get(q));
        }
        LatencyPercentiles routed = LatencyPercentiles.of(ms[0]);
        double slowest = 0;
        ObjectNode out = JSON.createObjectNode();
        out.put("queries", fast.size());
        out.put("k", k);
        out.put("exact_equal", equal);
        out.put("router_p50_ms", routed.p50());
        out.put("router_p95_ms", routed.p95());
        ObjectNode per = out.putObject("partition_p50_ms");
        for (int t = 1; t < targets.size(); t++) {
            double p50 = LatencyPercentiles.of(ms[t]).p50();
            per.put(targets.get(t), p50);
            slowest = Math.max(slowest, p50);
        }
        out.put("slowest_partition_p50_ms", slowest);
        out.put("router_minus_slowest_p50_ms", routed.p50() - slowest);
        double both = LatencyPercentiles.of(fanout).p50();
        out.put("direct_fanout_p50_ms", both);
        out.put("router_minus_fanout_p50_ms", routed.p50() - both);
        System.out.printf("exact top-%d equal to the single node: %d of %d queries%n", k, equal, exact.size());
        if (firstDiff != null) {
            System.out.println("first difference: " + firstDiff);
        }
        System.out.printf("p50 router %.3f ms (p95 %.3f), slowest partition p50 %.3f ms, router - slowest = %.3f ms; partitions %s%n",
                routed.p50(), routed.p95(), slowest, routed.p50() - slowest, per);
        // with fewer cores than partitions, partitions searched at once slow each other down; this baseline has that
        // cost too, so router - fan-out is the router's own (a hop, JSON, the merge)
        System.out.printf("p50 of the client querying all partitions at once %.3f ms, router - that = %.3f ms%n", both, routed.p50() - both);
        if (json != null) {
            Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
    }

    /** Milliseconds until every partition has answered {@code body}, all asked at once. */
    private double fanOut(List<String> partitions, String body) {
        long t0 = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (String p : partitions) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create(p + "/search")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            if (c.join().statusCode() != 200) {
                throw new IllegalStateException("a partition answered " + c.join().statusCode() + ": " + c.join().body());
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private JsonNode get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private JsonNode post(String base, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/search")).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode send(HttpRequest req) throws Exception {
        HttpResponse<String> res = client.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException(req.uri() + ": HTTP " + res.statusCode() + ": " + res.body());
        }
        return JSON.readTree(res.body());
    }
}
