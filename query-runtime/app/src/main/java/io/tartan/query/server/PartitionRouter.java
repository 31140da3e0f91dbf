package io.tartan.query.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;
import io.tartan.query.TextPool;
import io.tartan.query.search.CandidatePool;
import io.tartan.query.search.CandidatePoolMerger;
import io.tartan.query.text.Bm25Statistics;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends a search to every partition of an index ({@code tartan serve --partition i/n} servers) in parallel and merges
 * their answers into one, as {@code tartan serve --route} does; usable as a library to embed a router.
 *
 * <p>Each partition gets the caller's request unchanged, as {@code POST /pool}, and {@link
 * RouterSettings#partitionTimeoutMs} to answer. One that is down, slow or answers 5xx is left out and named in {@link
 * RoutedResult#failed}, unless the caller wants a complete result ({@link RoutingException} 503). Partitions hold
 * disjoint documents, score them as one node does and report global pids. For FAST and PLAID they answer with their
 * candidate pools, whose merge ({@link CandidatePoolMerger}) is the single node's result; for rerank and hybrid with
 * their text pools ({@link TextPool}), likewise; for exact MaxSim and BM25 (and the modes that have no pool) with
 * their top k, merged by score then pid ({@link SearchResult#RANKING}), which for exact results is the single-node
 * result. A query with text that may score BM25 first gathers the partitions' BM25 statistics, so every partition
 * scores BM25 with the whole index's. The answers must come from one layout (each partition's count is the number of URLs,
 * each index once) and one index version, else the router says which partition serves what (502, or 503 while
 * versions differ, which a rolling reload causes for up to a poll interval).
 *
 * <p>The thread that routes a request does the whole exchange itself ({@link PartitionClient}): it writes the request
 * to every partition, then reads their answers in turn, so no other thread wakes up for a routed request.
 */
public final class PartitionRouter implements AutoCloseable {
    private final RouterSettings settings;
    private final List<PartitionClient> clients;

    public PartitionRouter(RouterSettings settings) {
        this.settings = settings;
        // connections to the partitions are kept alive and reused (HTTP/1.1, one per request in flight)
        this.clients = settings.partitions().stream().map(u -> new PartitionClient(u, settings.partitionToken())).toList();
    }

    public List<URI> partitions() {
        return settings.partitions();
    }

    public RouterSettings settings() {
        return settings;
    }

    /** Partition {@code i}'s 200 JSON, or why there is none. */
    private record Reply(int i, URI url, JsonNode json, int status, String error) {
        boolean ok() {
            return json != null && status == 200;
        }
    }

    /** Partition {@code i}'s answer as it came (null with the error that kept it away). */
    private record Answer(int i, URI url, PartitionClient.Answer response, String error) {
    }

    /**
     * Routes one {@code POST /search} body (see README "Serving over HTTP") and merges the top {@code k}. The body is
     * parsed once more here to see whether it needs BM25 statistics; a server routes what {@link RoutedRequest} read.
     *
     * @param requireComplete 503 rather than a partial result (also when {@link RouterSettings#requireComplete})
     * @throws RoutingException when there is no result to give, with the status and JSON to answer
     */
    public RoutedResult search(byte[] body, int k, boolean requireComplete) {
        RoutedRequest req;
        try {
            req = RoutedRequest.of(body, k, requireComplete);
        } catch (IOException e) {
            throw new IllegalArgumentException("request body is not JSON: " + e.getMessage(), e);
        }
        return search(req);
    }

    /**
     * Routes a request: for a text query that may score BM25 ({@link RoutedRequest#bm25}), first the partitions'
     * shares of its BM25 statistics ({@code POST /bm25_statistics}), summed and sent with the search so each
     * partition scores BM25 as one node over the whole index does; then the search ({@code POST /pool}). A partition
     * that fails the first round is left out of the second. When one did and the result may be partial, the others
     * score with their own statistics (the sum would miss the failed partition's shards).
     */
    RoutedResult search(RoutedRequest req) {
        boolean complete = req.requireComplete() || settings.requireComplete();
        List<PartitionFailure> failed = new ArrayList<>();
        boolean[] left = new boolean[clients.size()];
        byte[] body = req.forward();
        if (req.bm25()) {
            Bm25Statistics sum = bm25Statistics(answered(exchange("POST", "/bm25_statistics", body, left), complete,
                    failed, left));
            if (sum != null && failed.isEmpty()) {
                try {
                    body = req.withBm25Statistics(Bm25StatisticsJson.write(sum));
                } catch (IOException e) {
                    throw new IllegalArgumentException("request body is not JSON: " + e.getMessage(), e);
                }
            }
        }
        List<Reply> ok = answered(exchange("POST", "/pool", body, left), complete, failed, left);
        long pools = ok.stream().filter(r -> r.json.has("candidate_pool")).count();
        long textPools = ok.stream().filter(r -> r.json.has("text_pool")).count();
        if (pools > 0 && pools < ok.size() || textPools > 0 && textPools < ok.size()) {
            throw badGateway("partitions answered the same search with different kinds of answer (candidate pools, "
                    + "text pools, top-k lists): they serve with different defaults (tartan serve --mode) or versions of tartan");
        }
        Map<Long, ObjectNode> fields = new HashMap<>();
        SearchResult merged = pools > 0 ? mergePools(ok, fields)
                : textPools > 0 ? mergeTextPools(ok, req.k(), fields) : mergeLists(ok, req.k(), fields);
        Map<Long, ObjectNode> kept = new HashMap<>();
        for (SearchHit h : merged.hits()) {
            ObjectNode f = fields.get(h.pid());
            if (f != null) {
                kept.put(h.pid(), f);
            }
        }
        return new RoutedResult(merged, ok.size(), List.copyOf(failed), kept);
    }

    /**
     * The partitions that answered 200; the others go to {@code failed} and are marked {@code left}, unless the
     * request itself is bad (their 4xx is passed on) or the result must be complete (503).
     */
    private List<Reply> answered(List<Answer> answers, boolean complete, List<PartitionFailure> failed, boolean[] left) {
        List<Reply> ok = new ArrayList<>();
        for (Answer a : answers) {
            Reply r = reply(a);
            if (r.ok()) {
                ok.add(r);
            } else if (r.status >= 400 && r.status < 500 && r.status != 401 && r.status != 403 && r.status != 408 && r.status != 429) {
                // the request itself is bad: every partition would say so, pass the first answer on
                ObjectNode e = r.json != null && r.json.isObject() ? ((ObjectNode) r.json).deepCopy() : JsonReplies.error(r.error);
                e.put("partition_url", r.url.toString());
                throw new RoutingException(r.status, e);
            } else {
                failed.add(new PartitionFailure(r.url, r.error));
                left[r.i] = true;
            }
        }
        checkLayout(ok);
        if (!failed.isEmpty() && (ok.isEmpty() || complete)) {
            ObjectNode e = JsonReplies.error(failed.size() + " of " + clients.size() + " partitions failed"
                    + (ok.isEmpty() ? "" : " and a complete result was asked for (\"require_complete\": true or tartan serve --require-complete)")
                    + ": " + failed.get(0).url() + ": " + failed.get(0).error());
            put(e, failed);
            throw new RoutingException(503, e);
        }
        return ok;
    }

    /** The sum of the partitions' shares, or null when none was given (the query scores no BM25 in their mode). */
    private static Bm25Statistics bm25Statistics(List<Reply> ok) {
        List<Bm25Statistics> shares = new ArrayList<>();
        for (Reply r : ok) {
            JsonNode s = r.json.get(Bm25StatisticsJson.FIELD);
            if (s == null || s.isNull()) {
                continue;
            }
            try {
                shares.add(Bm25StatisticsJson.read(s));
            } catch (IllegalArgumentException e) {
                throw badGateway(r.url + " answered malformed BM25 statistics: " + e.getMessage());
            }
        }
        if (shares.isEmpty()) {
            return null;
        }
        if (shares.size() < ok.size()) {
            throw badGateway("partitions disagree whether the query scores BM25: they serve with different defaults "
                    + "(tartan serve --mode) or versions of tartan");
        }
        try {
            return Bm25Statistics.sum(shares);
        } catch (IllegalArgumentException e) {
            throw badGateway("the partitions' BM25 statistics do not sum: " + e.getMessage());
        }
    }

    /**
     * FAST and PLAID: the partitions' candidate pools merged ({@link CandidatePoolMerger}), exactly the single node's
     * result over the answering partitions; each pool's fields come by pid for every entry scored exactly.
     */
    private static SearchResult mergePools(List<Reply> ok, Map<Long, ObjectNode> fields) {
        List<CandidatePool> pools = new ArrayList<>(ok.size());
        for (Reply r : ok) {
            try {
                pools.add(CandidatePoolJson.read(r.json.get("candidate_pool")));
            } catch (IllegalArgumentException e) {
                throw badGateway(r.url + " answered a malformed candidate pool: " + e.getMessage());
            }
            putFields(r, fields);
        }
        try {
            return CandidatePoolMerger.result(CandidatePoolMerger.merge(pools));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw badGateway("the partitions' candidate pools do not merge: " + e.getMessage());
        }
    }

    /**
     * Rerank and hybrid: the partitions' text pools merged ({@link TextPool#merge}), exactly the single node's result
     * over the answering partitions.
     */
    private static SearchResult mergeTextPools(List<Reply> ok, int k, Map<Long, ObjectNode> fields) {
        List<TextPool> pools = new ArrayList<>(ok.size());
        for (Reply r : ok) {
            try {
                pools.add(TextPoolJson.read(r.json.get("text_pool")));
            } catch (IllegalArgumentException e) {
                throw badGateway(r.url + " answered a malformed text pool: " + e.getMessage());
            }
            putFields(r, fields);
        }
        try {
            return TextPool.merge(pools, k);
        } catch (IllegalArgumentException e) {
            throw badGateway("the partitions' text pools do not merge: " + e.getMessage());
        }
    }

    /** A pool answer's requested fields, by pid. */
    private static void putFields(Reply r, Map<Long, ObjectNode> fields) {
        r.json.path("fields").fields().forEachRemaining(f -> fields.put(Long.parseLong(f.getKey()), (ObjectNode) f.getValue()));
    }

    /** Exact MaxSim and the other modes: the partitions' top-k lists merged by score, then pid. */
    private static SearchResult mergeLists(List<Reply> ok, int k, Map<Long, ObjectNode> fields) {
        List<SearchResult> parts = new ArrayList<>();
        for (Reply r : ok) {
            parts.add(result(r, fields));
        }
        return SearchResult.merge(parts, k);
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
        List<String> problems = new ArrayList<>();
        List<Reply> ok = new ArrayList<>();
        for (Answer a : exchange("GET", "/health", null, new boolean[clients.size()])) {
            Reply r = reply(a);
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

    /**
     * Sends the request to every partition not {@code left} out, then reads the answers in the partitions' order:
     * each must be complete within the partition timeout of this call's start, so the wait is that of the slowest
     * partition.
     */
    private List<Answer> exchange(String method, String path, byte[] body, boolean[] left) {
        long timeout = settings.partitionTimeoutMs();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        PartitionClient.Call[] calls = new PartitionClient.Call[clients.size()];
        for (int i = 0; i < calls.length; i++) {
            if (!left[i]) {
                calls[i] = clients.get(i).send(method, path, body, deadline);
            }
        }
        List<Answer> answers = new ArrayList<>(clients.size());
        for (int i = 0; i < calls.length; i++) {
            if (calls[i] == null) {
                continue;
            }
            URI u = clients.get(i).base();
            try {
                answers.add(new Answer(i, u, calls[i].answer(), null));
            } catch (IOException | RuntimeException e) {
                answers.add(new Answer(i, u, null, why(e, timeout)));
            }
        }
        return answers;
    }

    private static Reply reply(Answer a) {
        if (a.error != null) {
            return new Reply(a.i, a.url, null, 0, a.error);
        }
        URI base = a.url;
        PartitionClient.Answer res = a.response;
        JsonNode json;
        try {
            json = JsonReplies.JSON.readTree(res.body());
        } catch (IOException e) {
            return new Reply(a.i, base, null, res.status(), "HTTP " + res.status() + " with a body that is not JSON");
        }
        String error = res.status() == 200 ? null : "HTTP " + res.status() + ": " + (json == null ? "" : json.path("error").asText());
        return new Reply(a.i, base, json, res.status(), error);
    }

    private static String why(Exception c, long timeout) {
        if (c instanceof SocketTimeoutException) {
            return "no answer within " + timeout + " ms (--partition-timeout-ms)";
        }
        if (c instanceof ConnectException) {
            return "cannot connect: " + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    /** Closes the idle connections to the partitions. */
    @Override
    public void close() {
        clients.forEach(PartitionClient::close);
    }
}
