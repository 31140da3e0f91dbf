package io.tartan.query.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.eval.LatencyPercentiles;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The router figures of docs/BENCHMARKS.md: against a running single-node {@code tartan serve}, a router and its
 * partition servers, checks that every query's exact top k through the router equals the single node's (ids and
 * scores), and counts the queries whose default-mode (FAST) top k does, then times each query (default mode, one client, sequential) through the router and directly on every
 * partition, and prints p50/p95 of the router, of each partition, the router's p50 minus the slowest partition's, and
 * the router's p50 minus that of this client asking all partitions at once (the router's own cost where the machine
 * has fewer cores than partitions).
 * Driven by scripts/bench/router.sh.
 *
 * <p>{@code --vectors} picks how the query vectors travel: {@code json} (arrays of numbers, the default), {@code base64}
 * (little-endian float32) or {@code both}: every figure for each, the two timed query by query in alternating order
 * on the same servers, so load drifts over a run hit both alike; the single node is timed too, whose p50 in the
 * two encodings is the A/B of the request's parse and transfer on one server. The exact check then compares the
 * router's answer in each encoding with the single node's answer to the JSON body.
 *
 * <p>Usage: {@code RouterBench --single URL --router URL --partitions URL,URL,… [--queries-npy Q] [--k 10]
 * [--warmup-rounds 2] [--vectors json|base64|both] [--json OUT]}.
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
        String vectors = "json";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--single" -> single = args[++i];
                case "--router" -> router = args[++i];
                case "--partitions" -> partitions = Arrays.asList(args[++i].split(","));
                case "--queries-npy" -> npy = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--warmup-rounds" -> warmup = Integer.parseInt(args[++i]);
                case "--vectors" -> vectors = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (single == null || router == null || partitions.isEmpty()) {
            throw new IllegalArgumentException("usage: RouterBench --single URL --router URL --partitions URL,URL,… "
                    + "[--queries-npy Q] [--k 10] [--warmup-rounds 2] [--vectors json|base64|both] [--json OUT]");
        }
        encodings(vectors);
        new RouterBench().run(single, router, partitions, npy, k, warmup, json, vectors);
    }

    /**
     * The bodies of each encoding named in {@code vectors} ({@code json}: {@code [[…]…]}; {@code base64}: little-endian
     * float32; {@code both}), in that order; both encodings carry the same float32 values.
     */
    private static List<String> encodings(String vectors) {
        return switch (vectors) {
            case "json" -> List.of("json");
            case "base64" -> List.of("base64");
            case "both" -> List.of("json", "base64");
            default -> throw new IllegalArgumentException("--vectors must be json, base64 or both, got " + vectors);
        };
    }

    /** {@code json} as {@code encoding}: its "vectors" array of rows replaced by base64 of their float32 bytes. */
    public static String encode(String json, String encoding, int dim) throws Exception {
        if (encoding.equals("json")) {
            return json;
        }
        ObjectNode o = (ObjectNode) JSON.readTree(json);
        JsonNode rows = o.get("vectors");
        ByteBuffer b = ByteBuffer.allocate(4 * dim * rows.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode r : rows) {
            for (JsonNode v : r) {
                b.putFloat(v.floatValue());
            }
        }
        o.put("vectors", Base64.getEncoder().encodeToString(b.array()));
        return JSON.writeValueAsString(o);
    }

    private void run(String single, String router, List<String> partitions, Path npy, int k, int warmup, Path json,
            String vectors) throws Exception {
        int dim = get(single + "/stats").get("dim").asInt();
        List<String> enc = encodings(vectors);
        List<String> base = ServeLoad.bodies(npy, dim, k);
        // fast[e][q], exact[e][q]: query q in encoding e
        List<List<String>> fast = new ArrayList<>();
        List<List<String>> exact = new ArrayList<>();
        for (String e : enc) {
            List<String> f = new ArrayList<>();
            List<String> x = new ArrayList<>();
            for (String b : base) {
                String body = encode(b, e, dim);
                f.add(body);
                ObjectNode o = (ObjectNode) JSON.readTree(body);
                o.putObject("params").put("mode", "exact");
                x.add(JSON.writeValueAsString(o));
            }
            fast.add(f);
            exact.add(x);
        }
        int nq = base.size();

        // exact through the router in every encoding against the single node's answer to the first encoding
        int[] equal = new int[enc.size()];
        String firstDiff = null;
        for (int q = 0; q < nq; q++) {
            JsonNode s = post(single, exact.get(0).get(q)).get("results");
            for (int e = 0; e < enc.size(); e++) {
                JsonNode r = post(router, exact.get(e).get(q));
                if (r.get("partial").asBoolean()) {
                    throw new IllegalStateException("query " + q + ": the router answered a partial result: " + r.get("failed_partitions"));
                }
                if (s.equals(r.get("results"))) {
                    equal[e]++;
                } else if (firstDiff == null) {
                    firstDiff = "query " + q + " (" + enc.get(e) + "): single " + s + " router " + r.get("results");
                }
            }
        }

        // the default mode (FAST) through the router against the single node: equal where the router merges the
        // partitions' candidate pools, not always where it merges their top-k lists
        int fastEqual = 0;
        for (int q = 0; q < nq; q++) {
            if (post(single, fast.get(0).get(q)).get("results").equals(post(router, fast.get(0).get(q)).get("results"))) {
                fastEqual++;
            }
        }

        // targets: router, each partition, then the single node (its p50 in each encoding is the parse cost's A/B)
        List<String> targets = new ArrayList<>(partitions);
        targets.add(0, router);
        targets.add(single);
        for (int round = 0; round < warmup; round++) {
            for (int q = 0; q < nq; q++) {
                for (List<String> f : fast) {
                    for (String t : targets) {
                        post(t, f.get(q));
                    }
                }
            }
        }
        double[][][] ms = new double[enc.size()][targets.size()][nq];
        double[][] fanout = new double[enc.size()][nq];
        for (int q = 0; q < nq; q++) {
            // alternate which encoding goes first, so neither always runs on the warmer caches or the lighter moment
            for (int i = 0; i < enc.size(); i++) {
                int e = (q + i) % enc.size();
                String body = fast.get(e).get(q);
                for (int t = 0; t < targets.size(); t++) {
                    long t0 = System.nanoTime();
                    post(targets.get(t), body);
                    ms[e][t][q] = (System.nanoTime() - t0) / 1e6;
                }
                fanout[e][q] = fanOut(partitions, body);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("queries", nq);
        out.put("k", k);
        out.put("fast_equal", fastEqual);
        System.out.printf("default-mode (fast) top-%d equal to the single node: %d of %d queries%n", k, fastEqual, nq);
        for (int e = 0; e < enc.size(); e++) {
            ObjectNode o = enc.size() == 1 ? out : out.putObject(enc.get(e));
            o.put("vectors", enc.get(e));
            o.put("body_bytes_mean", fast.get(e).stream().mapToInt(String::length).average().orElse(0));
            report(o, enc.get(e), k, equal[e], nq, ms[e], fanout[e], targets);
        }
        if (firstDiff != null) {
            System.out.println("first difference: " + firstDiff);
        }
        if (json != null) {
            Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
    }

    private static void report(ObjectNode out, String encoding, int k, int equal, int nq, double[][] ms, double[] fanout,
            List<String> targets) {
        LatencyPercentiles routed = LatencyPercentiles.of(ms[0]);
        double slowest = 0;
        out.put("exact_equal", equal);
        out.put("router_p50_ms", routed.p50());
        out.put("router_p95_ms", routed.p95());
        ObjectNode per = out.putObject("partition_p50_ms");
        for (int t = 1; t < targets.size() - 1; t++) {
            double p50 = LatencyPercentiles.of(ms[t]).p50();
            per.put(targets.get(t), p50);
            slowest = Math.max(slowest, p50);
        }
        double single = LatencyPercentiles.of(ms[targets.size() - 1]).p50();
        out.put("single_node_p50_ms", single);
        out.put("slowest_partition_p50_ms", slowest);
        out.put("router_minus_slowest_p50_ms", routed.p50() - slowest);
        double both = LatencyPercentiles.of(fanout).p50();
        out.put("direct_fanout_p50_ms", both);
        out.put("router_minus_fanout_p50_ms", routed.p50() - both);
        System.out.printf("[%s vectors, %.0f bytes a body]%n", encoding, out.get("body_bytes_mean").asDouble());
        System.out.printf("exact top-%d equal to the single node: %d of %d queries%n", k, equal, nq);
        System.out.printf("p50 router %.3f ms (p95 %.3f), slowest partition p50 %.3f ms, router - slowest = %.3f ms; partitions %s%n",
                routed.p50(), routed.p95(), slowest, routed.p50() - slowest, per);
        // with fewer cores than partitions, partitions searched at once slow each other down; this baseline has that
        // cost too, so router - fan-out is the router's own (a hop, JSON, the merge)
        System.out.printf("p50 of the client querying all partitions at once %.3f ms, router - that = %.3f ms%n", both, routed.p50() - both);
        System.out.printf("p50 of the single node %.3f ms%n", single);
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
