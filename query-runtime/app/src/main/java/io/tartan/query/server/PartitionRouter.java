package io.tartan.query.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a search to every partition of an index ({@code tartan serve --partition i/n} servers) in parallel and merges
 * their top k into one, as {@code tartan serve --route} does; usable as a library to embed a router.
 *
 * <p>Each partition gets the caller's request unchanged and {@link RouterSettings#partitionTimeoutMs} to answer. One
 * that is down, slow or answers 5xx is left out and named in {@link RoutedResult#failed}, unless the caller wants a
 * complete result ({@link RoutingException} 503). Partitions hold disjoint documents, score them as one node does and
 * report global pids, so the merge by score then pid ({@link SearchResult#RANKING}) of their exact results is the
 * single-node exact result. The answers must come from one layout (each partition's count is the number of URLs,
 * each index once) and one index version, else the router says which partition serves what (502, or 503 while
 * versions differ, which a rolling reload causes for up to a poll interval).
 */
public final class PartitionRouter implements AutoCloseable {
    private final RouterSettings settings;
    private final HttpClient client;

    public PartitionRouter(RouterSettings settings) {
        this.settings = settings;
        // The client's own tasks run where they are triggered (the caller writes, the client's selector thread reads
        // the answers) instead of hopping to a pool thread for each step: its callbacks here only keep the answer's
        // bytes, the caller parses them, so nothing blocks the selector. Connections to the partitions are kept
        // alive and reused (HTTP/1.1, one per request in flight).
        this.client = HttpClient.newBuilder().executor(Runnable::run).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(settings.partitionTimeoutMs())).build();
    }

    public List<URI> partitions() {
        return settings.partitions();
    }

    public RouterSettings settings() {
        return settings;
    }

    /** One partition's 200 JSON, or why there is none. */
    private record Reply(URI url, JsonNode json, int status, String error) {
        boolean ok() {
            return json != null && status == 200;
        }
    }

    /** One partition's answer as it came, parsed ({@link #reply}) by the thread that waits for it. */
    private record Answer(URI url, HttpResponse<byte[]> response, String error) {
    }

    /**
     * Routes one {@code POST /search} body (see README "Serving over HTTP") and merges the top {@code k}.
     *
     * @param requireComplete 503 rather than a partial result (also when {@link RouterSettings#requireComplete})
     * @throws RoutingException when there is no result to give, with the status and JSON to answer
     */
    public RoutedResult search(byte[] body, int k, boolean requireComplete) {
        List<CompletableFuture<Answer>> calls = new ArrayList<>();
        for (URI u : settings.partitions()) {
            calls.add(call(u, "/search", HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", "application/json")));
        }
        List<Reply> replies = calls.stream().map(c -> reply(c.join())).toList();
        List<Reply> ok = new ArrayList<>();
        List<PartitionFailure> failed = new ArrayList<>();
        for (Reply r : replies) {
            if (r.ok()) {
                ok.add(r);
            } else if (r.status >= 400 && r.status < 500 && r.status != 401 && r.status != 403 && r.status != 408 && r.status != 429) {
                // the request itself is bad: every partition would say so, pass the first answer on
                ObjectNode e = r.json != null && r.json.isObject() ? ((ObjectNode) r.json).deepCopy() : JsonReplies.error(r.error);
                e.put("partition_url", r.url.toString());
                throw new RoutingException(r.status, e);
            } else {
                failed.add(new PartitionFailure(r.url, r.error));
            }
        }
        checkLayout(ok);
        if (!failed.isEmpty() && (ok.isEmpty() || requireComplete || settings.requireComplete())) {
            ObjectNode e = JsonReplies.error(failed.size() + " of " + replies.size() + " partitions failed"
                    + (ok.isEmpty() ? "" : " and a complete result was asked for (\"require_complete\": true or tartan serve --require-complete)")
                    + ": " + failed.get(0).url() + ": " + failed.get(0).error());
            put(e, failed);
            throw new RoutingException(503, e);
        }
        List<SearchResult> parts = new ArrayList<>();
        Map<Long, ObjectNode> fields = new HashMap<>();
        for (Reply r : ok) {
            parts.add(result(r, fields));
        }
        SearchResult merged = SearchResult.merge(parts, k);
        Map<Long, ObjectNode> kept = new HashMap<>();
        for (SearchHit h : merged.hits()) {
            ObjectNode f = fields.get(h.pid());
            if (f != null) {
                kept.put(h.pid(), f);
            }
        }
        return new RoutedResult(merged, ok.size(), List.copyOf(failed), kept);
    }

    /** {@code "failed_partitions": [{"url", "error"}…]}. */
    static void put(ObjectNode o, List<PartitionFailure> failed) {
        ArrayNode a = o.putArray("failed_partitions");
        for (PartitionFailure f : failed) {
            a.addObject().put("url", f.url().toString()).put("error", f.error());
        }
    }

    /** What a partition's hit holds besides these is a requested field (text, snippet, metadata) to pass on. */
    private static final Set<String> RANKING_KEYS = Set.of("rank", "doc_id", "score", "pid");

    /** A partition's hits; their requested fields go to {@code fields} by pid. */
    private static SearchResult result(Reply r, Map<Long, ObjectNode> fields) {
        JsonNode hits = r.json.path("results");
        List<SearchHit> out = new ArrayList<>(hits.size());
        for (JsonNode h : hits) {
            if (!h.hasNonNull("pid")) {
                throw badGateway(r.url + " answered hits without \"pid\": it is not a tartan serve --partition server of this version");
            }
            out.add(new SearchHit(h.path("doc_id").asText(), h.get("pid").asLong(), h.path("score").floatValue()));
            if (h.size() > RANKING_KEYS.size()) {
                ObjectNode extra = ((ObjectNode) h).deepCopy();
                extra.remove(RANKING_KEYS);
                fields.put(h.get("pid").asLong(), extra);
            }
        }
        return new SearchResult(out, r.json.path("version").asLong(), 0);
    }

    /**
     * Asks every partition's {@code /health} and says what is wrong with the set: unreachable partitions, a layout that
     * is not one index cut into as many partitions as there are URLs, or differing versions; empty when all is well.
     */
    public List<String> check() {
        List<CompletableFuture<Answer>> calls = new ArrayList<>();
        for (URI u : settings.partitions()) {
            calls.add(call(u, "/health", HttpRequest.newBuilder().GET()));
        }
        List<String> problems = new ArrayList<>();
        List<Reply> ok = new ArrayList<>();
        for (CompletableFuture<Answer> c : calls) {
            Reply r = reply(c.join());
            if (r.ok()) {
                ok.add(r);
            } else {
                problems.add(r.url + ": " + r.error);
            }
        }
        try {
            checkLayout(ok);
        } catch (RoutingException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    private void checkLayout(List<Reply> ok) {
        int n = settings.partitions().size();
        Map<Integer, URI> byIndex = new TreeMap<>();
        Map<Long, List<String>> byVersion = new TreeMap<>();
        for (Reply r : ok) {
            JsonNode p = r.json.path("partition");
            int count = p.path("count").asInt(1);
            int index = p.path("index").asInt(0);
            if (count != n) {
                throw badGateway("partition layout mismatch: " + r.url + " serves partition " + index + "/" + count
                        + " but the router has " + n + " partition URLs; start each partition server with --partition i/" + n);
            }
            URI twice = byIndex.put(index, r.url);
            if (twice != null) {
                throw badGateway("partition layout mismatch: " + twice + " and " + r.url + " both serve partition " + index + "/" + n);
            }
            byVersion.computeIfAbsent(r.json.path("version").asLong(), v -> new ArrayList<>()).add(r.url.toString());
        }
        if (byVersion.size() > 1) {
            ObjectNode e = JsonReplies.error("index version mismatch: the partitions serve different versions " + byVersion
                    + "; they reload independently (tartan serve --poll-seconds), retry once all have the same version");
            ObjectNode v = e.putObject("versions");
            byVersion.forEach((version, urls) -> urls.forEach(u -> v.put(u, version)));
            throw new RoutingException(503, e);
        }
    }

    private static RoutingException badGateway(String message) {
        return new RoutingException(502, JsonReplies.error(message));
    }

    private CompletableFuture<Answer> call(URI base, String path, HttpRequest.Builder b) {
        long timeout = settings.partitionTimeoutMs();
        b.uri(base.resolve(path)).timeout(Duration.ofMillis(timeout));
        if (settings.partitionToken() != null) {
            b.header("Authorization", "Bearer " + settings.partitionToken());
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                // the request timeout covers the response headers; this bounds a body that trickles in too
                .orTimeout(timeout, TimeUnit.MILLISECONDS)
                .handle((res, failure) -> new Answer(base, res, failure == null ? null : why(failure, timeout)));
    }

    private static Reply reply(Answer a) {
        if (a.error != null) {
            return new Reply(a.url, null, 0, a.error);
        }
        URI base = a.url;
        HttpResponse<byte[]> res = a.response;
        JsonNode json;
        try {
            json = JsonReplies.JSON.readTree(res.body());
        } catch (IOException e) {
            return new Reply(base, null, res.statusCode(), "HTTP " + res.statusCode() + " with a body that is not JSON");
        }
        String error = res.statusCode() == 200 ? null : "HTTP " + res.statusCode() + ": " + (json == null ? "" : json.path("error").asText());
        return new Reply(base, json, res.statusCode(), error);
    }

    private static String why(Throwable failure, long timeout) {
        Throwable c = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (c instanceof HttpTimeoutException || c instanceof TimeoutException) {
            return "no answer within " + timeout + " ms (--partition-timeout-ms)";
        }
        if (c instanceof ConnectException) {
            return "cannot connect: " + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    /** Nothing to release: the HTTP client's connections close when it is collected (Java 17 has no close). */
    @Override
    public void close() {
    }
}
