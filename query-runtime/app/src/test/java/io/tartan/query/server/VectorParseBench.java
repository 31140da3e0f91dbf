package io.tartan.query.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.query.cli.NpyArray;
import io.tartan.query.eval.LatencyPercentiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * What reading a request's query vectors costs a server, in one JVM without HTTP, over the bodies of a queries.npy:
 * a tree, as the server built before base64 and the CLI still does for a query file's line ({@code readTree} of the
 * body, then the vectors read from the tree: since 2026-12-01 {@link QueryVectors#of}, before that a walk of the
 * nodes that gave the same floats), the streaming read of the same JSON array body ({@link QueryVectors}), and the streaming read of the base64 body. Each
 * query's reads run back to back in rotating order, so load drifts hit all alike; the three reads must give
 * the same floats. Also the router's scan of each body for {@code k} ({@link RoutedRequest}), which tokenises the
 * vectors without converting them. Prints p50/p95 per body in microseconds and the body sizes.
 *
 * <p>Usage: {@code VectorParseBench QUERIES_NPY [--rounds 20] [--warmup-rounds 5]}.
 */
public final class VectorParseBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestLimits LIMITS = RequestLimits.defaults();
    private static final String[] METHODS = {"json tree (before)", "json streaming", "base64 streaming",
        "router scan json", "router scan base64"};

    public static void main(String[] args) throws Exception {
        Path npy = Path.of(args[0]);
        int rounds = 20;
        int warmup = 5;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-rounds" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        NpyArray a = NpyArray.read(npy);
        long[] shape = a.shape();
        int n = (int) shape[0];
        int nq = (int) shape[1];
        int dim = (int) shape[2];
        byte[][] json = new byte[n][];
        byte[][] b64 = new byte[n][];
        for (int q = 0; q < n; q++) {
            float[] v = Arrays.copyOfRange(a.floats(), q * nq * dim, (q + 1) * nq * dim);
            float[][] rows = new float[nq][];
            for (int t = 0; t < nq; t++) {
                rows[t] = Arrays.copyOfRange(v, t * dim, (t + 1) * dim);
            }
            json[q] = ("{\"vectors\": " + JSON.writeValueAsString(rows) + ", \"k\": 10}").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            b64[q] = ("{\"vectors\": \"" + Base64.getEncoder().encodeToString(b.array()) + "\", \"k\": 10}").getBytes(StandardCharsets.UTF_8);
            float[] t = tree(json[q], dim);
            if (!Arrays.equals(t, stream(json[q], dim)) || !Arrays.equals(t, stream(b64[q], dim))) {
                throw new IllegalStateException("query " + q + ": the three reads disagree");
            }
        }
        List<List<Double>> us = new ArrayList<>();
        for (int m = 0; m < METHODS.length; m++) {
            us.add(new ArrayList<>());
        }
        long sink = 0;
        for (int r = 0; r < warmup + rounds; r++) {
            for (int q = 0; q < n; q++) {
                for (int i = 0; i < METHODS.length; i++) {
                    int m = (q + r + i) % METHODS.length;
                    long t0 = System.nanoTime();
                    if (m < 3) {
                        float[] v = m == 0 ? tree(json[q], dim) : stream(m == 1 ? json[q] : b64[q], dim);
                        sink += Float.floatToRawIntBits(v[v.length - 1]);
                    } else {
                        sink += RoutedRequest.read(m == 3 ? json[q] : b64[q], LIMITS).k();
                    }
                    long ns = System.nanoTime() - t0;
                    if (r >= warmup) {
                        us.get(m).add(ns / 1e3);
                    }
                }
            }
        }
        System.out.printf("%d queries of %d x %d, %d rounds after %d warm-up; body bytes: json %d, base64 %d (mean)%n", n, nq, dim,
                rounds, warmup, Arrays.stream(json).mapToInt(b -> b.length).sum() / n, Arrays.stream(b64).mapToInt(b -> b.length).sum() / n);
        for (int m = 0; m < METHODS.length; m++) {
            LatencyPercentiles p = LatencyPercentiles.of(us.get(m).stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf("%-20s p50 %8.1f us  p95 %8.1f us%n", METHODS[m], p.p50(), p.p95());
        }
        System.out.println("(" + (sink & 1) + ")");
    }

    private static float[] tree(byte[] body, int dim) throws IOException {
        JsonNode n = JSON.readTree(body);
        return QueryVectors.of(n.get("vectors"), dim);
    }

    /** As SearchApi reads a body: members in turn, the vectors from their tokens. */
    private static float[] stream(byte[] body, int dim) throws IOException {
        float[] out = null;
        try (JsonParser p = JSON.getFactory().createParser(body)) {
            p.nextToken();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String f = p.currentName();
                p.nextToken();
                if (QueryVectors.FIELD.equals(f)) {
                    out = QueryVectors.read(p, dim, 128);
                } else {
                    JSON.readTree(p);
                }
            }
        }
        return out;
    }
}
