package io.tartan.query.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import io.tartan.query.TextPool;
import io.tartan.query.cli.JsonQueries;
import io.tartan.query.search.CandidatePool;
import io.tartan.query.text.Bm25Statistics;
import io.tartan.query.text.Fusion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON API without the HTTP: a request body in, the response object out. Checks every field against {@link
 * RequestLimits} before anything sized by the request is allocated; bad input throws {@link
 * IllegalArgumentException} (400) with a message naming the field.
 *
 * <p>{@code params} may hold any subset of {@code mode}, {@code ncells}, {@code centroid_score_threshold},
 * {@code ndocs}, {@code ngroups}, {@code fusion}, {@code alpha} and {@code depth}; a missing one takes the server's default
 * ({@code tartan serve --ncells …}) and, where that is unset too, the default of the mode for the request's k (see
 * {@link SearchParams}), exactly as {@code tartan search} does. {@code "mode": "exact"} is exhaustive MaxSim over the
 * index and takes no other parameter. {@code "filter"} restricts every mode to the documents whose metadata match;
 * {@code "fields"} adds stored text, a snippet or the metadata to each hit. {@code "vectors"} is an array of rows or
 * base64 of little-endian float32 ({@link QueryVectors}).
 */
final class SearchApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SEARCH_FIELDS = Set.of("query", "vectors", "k", "params", "filter", "fields",
            Bm25StatisticsJson.FIELD);
    private static final Set<String> RERANK_FIELDS = Set.of("query", "vectors", "doc_ids");
    private static final Set<String> PARAMS = Set.of("mode", "ncells", "centroid_score_threshold", "ndocs", "ngroups",
            "fusion", "alpha", "depth");
    static final int DEFAULT_K = 10;

    private final TartanIndex index;
    private final RequestLimits limits;
    private final SearchParams defaults;
    private final ServerStats stats;

    SearchApi(TartanIndex index, RequestLimits limits, SearchParams defaults, ServerStats stats) {
        this.index = index;
        this.limits = limits;
        this.defaults = defaults;
        this.stats = stats;
        checkDefaults();
    }

    private void checkDefaults() {
        if (defaults.ncells() != null && defaults.ncells() > limits.maxNcells()) {
            throw new LimitExceededException("max_ncells", "the default --ncells " + defaults.ncells(), limits.maxNcells());
        }
        if (defaults.ndocs() != null && defaults.ndocs() > limits.maxNdocs()) {
            throw new LimitExceededException("max_ndocs", "the default --ndocs " + defaults.ndocs(), limits.maxNdocs());
        }
    }

    ObjectNode search(byte[] body) throws IOException {
        return search(body, false);
    }

    /**
     * {@code POST /pool}, what a router asks a partition: the same request as {@code /search}; for the fast and plaid
     * modes without a filter the answer is the partition's {@link CandidatePool} ({@code "candidate_pool"}, with the
     * requested fields of every pool entry scored exactly under {@code "fields"} by pid, as the router cannot know
     * which of them the merge keeps), so that the router's merge is exactly the single node's result; for rerank and
     * hybrid with query text, its {@link TextPool} ({@code "text_pool"}, fields likewise), merged as exactly; for the
     * other modes it is the {@code /search} answer, whose top-k lists merge as they are.
     */
    ObjectNode pool(byte[] body) throws IOException {
        return search(body, true);
    }

    private ObjectNode search(byte[] body, boolean pool) throws IOException {
        Request r0 = parse(body, SEARCH_FIELDS);
        ObjectNode req = r0.fields();
        int k = k(req, limits);
        SearchParams params = params(req.get("params"));
        if (params.mode() == SearchParams.Mode.EXACT) {
            exactOnly(req.get("params"));
        }
        if (req.hasNonNull("filter")) {
            if (!req.get("filter").isTextual()) {
                throw new IllegalArgumentException("\"filter\" must be a string, e.g. \"lang = 'en' AND year >= 2020\"");
            }
            params = params.withFilter(req.get("filter").asText());
        }
        List<String> fields = fields(req);
        // text goes to the index as text (BM25 reads it); the MaxSim modes get its vectors, encoded here so the
        // token limit is checked before any scratch is sized by them
        String text = req.hasNonNull("query") && req.get("query").isTextual() ? req.get("query").asText() : null;
        float[] q = params.mode().needsVectors() ? queryVectors(r0) : null;
        if (text == null && params.mode().needsText()) {
            throw new IllegalArgumentException("mode \"" + params.mode().label() + "\" needs query text (\"query\")");
        }
        if (params.mode() == SearchParams.Mode.BM25 && (text == null || text.isBlank())) {
            throw new IllegalArgumentException("\"query\" must be non-empty text");
        }
        Bm25Statistics stats = bm25Statistics(req, text);
        long t0 = System.nanoTime();
        if (pool && params.filter() == null
                && (params.mode() == SearchParams.Mode.FAST || params.mode() == SearchParams.Mode.PLAID)) {
            return poolResult(index.candidatePool(q, k, params), t0, fields);
        }
        if (pool && text != null && (params.mode() == SearchParams.Mode.RERANK || params.mode() == SearchParams.Mode.HYBRID)) {
            return textPoolResult(index.textPool(text, q, k, params, stats), t0, fields);
        }
        SearchResult r = text == null ? index.search(q, k, params) : index.search(text, q, k, params, stats);
        return result(r, t0, fields);
    }

    /**
     * The request's {@code "bm25_statistics"} (a router's sum of its partitions' shares), or null without them.
     *
     * @throws RoutingException 503 when they are of another version than the one served (a reload between the
     *                          router's two rounds: it retries)
     */
    private Bm25Statistics bm25Statistics(ObjectNode req, String text) {
        if (!req.hasNonNull(Bm25StatisticsJson.FIELD)) {
            return null;
        }
        if (text == null) {
            throw new IllegalArgumentException("\"" + Bm25StatisticsJson.FIELD + "\" goes with query text (\"query\")");
        }
        Bm25Statistics s = Bm25StatisticsJson.read(req.get(Bm25StatisticsJson.FIELD));
        long served = index.snapshot().version();
        if (s.version() != served) {
            ObjectNode e = JsonReplies.error("the BM25 statistics sent are of version " + s.version() + ", this "
                    + "partition serves version " + served + "; retry once the partitions have reloaded");
            throw new RoutingException(503, e);
        }
        return s;
    }

    /**
     * {@code POST /bm25_statistics}, a router's first round for a query with text: this server's share of the BM25
     * statistics of the query's terms (over the shards whose first row it serves, {@link TartanIndex#bm25Statistics}),
     * which the router sums and sends with the search, so every partition scores BM25 as one node over the whole
     * index does. Null when the request's mode (its own, or this server's default) scores no BM25. The body is the
     * search request, checked as {@code /search} checks it.
     */
    ObjectNode bm25Statistics(byte[] body) throws IOException {
        ObjectNode req = parse(body, SEARCH_FIELDS).fields();
        k(req, limits);
        SearchParams params = params(req.get("params"));
        JsonNode q = req.get("query");
        ObjectNode o = JSON.createObjectNode();
        long version;
        if (params.mode().needsText() && q != null && q.isTextual() && !q.asText().isBlank()) {
            Bm25Statistics s = index.bm25Statistics(q.asText());
            o.set(Bm25StatisticsJson.FIELD, Bm25StatisticsJson.write(s));
            version = s.version();
        } else {
            o.putNull(Bm25StatisticsJson.FIELD);
            version = index.snapshot().version();
        }
        o.put("version", version);
        IndexBackend.put(o, index.partition());
        return o;
    }

    private ObjectNode poolResult(CandidatePool p, long t0, List<String> fields) {
        stats.searched(System.nanoTime() - t0);
        ObjectNode o = JSON.createObjectNode();
        o.set("candidate_pool", CandidatePoolJson.write(p));
        List<SearchHit> scored = new ArrayList<>();
        addScored(p, scored);
        putFields(o, scored, p.version(), fields);
        o.put("version", p.version());
        IndexBackend.put(o, index.partition());
        return o;
    }

    private ObjectNode textPoolResult(TextPool p, long t0, List<String> fields) {
        stats.searched(System.nanoTime() - t0);
        ObjectNode o = JSON.createObjectNode();
        o.set("text_pool", TextPoolJson.write(p));
        List<SearchHit> scored = new ArrayList<>(p.bm25().hits());
        if (p.maxsim() != null) {
            scored.addAll(p.maxsim().hits());
        }
        if (p.dense() != null) {
            addScored(p.dense(), scored);
        }
        putFields(o, scored, p.version(), fields);
        o.put("version", p.version());
        IndexBackend.put(o, index.partition());
        return o;
    }

    /** The pool's entries scored exactly: those the merge may keep. */
    private static void addScored(CandidatePool p, List<SearchHit> out) {
        for (int i = 0; i < p.size(); i++) {
            if (p.docIds()[i] != null) {
                out.add(new SearchHit(p.docIds()[i], p.pids()[i], p.exactScores()[i]));
            }
        }
    }

    /**
     * {@code "fields"}: the requested fields of every hit a router's merge may keep, by pid, as the router cannot know
     * which it keeps.
     */
    private void putFields(ObjectNode o, List<SearchHit> scored, long version, List<String> fields) {
        if (fields.isEmpty()) {
            return;
        }
        ArrayNode hits = JsonQueries.hits(new SearchResult(scored, version, 0), index, fields);
        ObjectNode byPid = o.putObject("fields");
        for (int i = 0; i < hits.size(); i++) {
            ObjectNode h = (ObjectNode) hits.get(i);
            h.remove(List.of("rank", "doc_id", "score"));
            byPid.set(Long.toString(scored.get(i).pid()), h);
        }
    }

    /** {@code "fields": ["snippet", "metadata", "text"]}: what to return of each hit besides id and score. */
    private static List<String> fields(JsonNode req) {
        JsonNode f = req.get("fields");
        if (f == null || f.isNull()) {
            return List.of();
        }
        if (!f.isArray()) {
            throw new IllegalArgumentException("\"fields\" must be an array of " + JsonQueries.FIELDS);
        }
        List<String> out = new ArrayList<>();
        f.forEach(n -> out.add(n.asText()));
        return out;
    }

    ObjectNode rerank(byte[] body) throws IOException {
        Request r0 = parse(body, RERANK_FIELDS);
        ObjectNode req = r0.fields();
        JsonNode ids = req.get("doc_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw new IllegalArgumentException("\"doc_ids\" must be a non-empty array of document ids");
        }
        if (ids.size() > limits.maxRerankDocs()) {
            throw new LimitExceededException("max_rerank_docs", "\"doc_ids\" with " + ids.size() + " ids", limits.maxRerankDocs());
        }
        List<String> docIds = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            JsonNode n = ids.get(i);
            if (!n.isTextual() && !n.isNumber()) {
                throw new IllegalArgumentException("\"doc_ids\"[" + i + "] must be a string, got " + n.getNodeType());
            }
            docIds.add(n.asText());
        }
        float[] q = queryVectors(r0);
        long t0 = System.nanoTime();
        return result(index.rerank(q, docIds), t0, List.of());
    }

    /**
     * A parsed request body: every member but {@code "vectors"} as a tree, and the vectors (null without them) read
     * straight from the parser's tokens ({@link QueryVectors}), whichever of their two forms the body holds.
     */
    private record Request(ObjectNode fields, float[] vectors) {
    }

    private Request parse(byte[] body, Set<String> fields) throws IOException {
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("empty request body: send a JSON object");
        }
        IndexSnapshot snap = index.snapshot();
        ObjectNode n = JSON.createObjectNode();
        float[] vectors = null;
        try (JsonParser p = JSON.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("request body must be a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String f = p.currentName();
                if (!fields.contains(f)) {
                    throw new IllegalArgumentException("unknown field \"" + f + "\" (this endpoint takes " + String.join(", ", sorted(fields)) + ")");
                }
                p.nextToken();
                // a repeated member: the last counts, as in a tree
                if (QueryVectors.FIELD.equals(f)) {
                    vectors = QueryVectors.read(p, snap.dim(), limits.queryTokens(snap.manifest().settings()));
                } else {
                    n.set(f, JSON.readTree(p));
                }
            }
        }
        if (n.has("query") && vectors != null) {
            throw new IllegalArgumentException("give \"query\" (text) or \"vectors\", not both");
        }
        return new Request(n, vectors);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    /** The request's {@code "k"}, checked against {@code max_k}; 10 when it has none. */
    static int k(JsonNode req, RequestLimits limits) {
        if (!req.has("k")) {
            return DEFAULT_K;
        }
        JsonNode v = req.get("k");
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("\"k\" must be an integer, got " + v);
        }
        long k = v.asLong();
        if (k <= 0) {
            throw new IllegalArgumentException("\"k\" must be positive, got " + k);
        }
        if (k > limits.maxK()) {
            throw new LimitExceededException("max_k", "\"k\" = " + k, limits.maxK());
        }
        return (int) k;
    }

    private SearchParams params(JsonNode p) {
        if (p == null || p.isNull()) {
            return defaults;
        }
        if (!p.isObject()) {
            throw new IllegalArgumentException("\"params\" must be an object with any of " + String.join(", ", sorted(PARAMS)));
        }
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!PARAMS.contains(f)) {
                throw new IllegalArgumentException("unknown parameter \"params." + f + "\" (known: " + String.join(", ", sorted(PARAMS)) + ")");
            }
        }
        SearchParams.Mode mode = defaults.mode();
        if (p.has("mode")) {
            if (!p.get("mode").isTextual()) {
                throw new IllegalArgumentException("params.mode must be a string, got " + p.get("mode"));
            }
            try {
                mode = SearchParams.Mode.parse(p.get("mode").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("params." + e.getMessage());
            }
        }
        Integer ncells = defaults.ncells();
        if (p.has("ncells")) {
            ncells = positiveInt(p, "ncells", "max_ncells", limits.maxNcells());
        }
        Integer ndocs = defaults.ndocs();
        if (p.has("ndocs")) {
            // within the limit, more candidates than documents means all of them
            ndocs = Math.min(positiveInt(p, "ndocs", "max_ndocs", limits.maxNdocs()), Math.max(1, index.snapshot().numDocs()));
        }
        Integer ngroups = defaults.ngroups();
        if (p.has("ngroups")) {
            // no limit needed: more groups than the index has means all of them (the work of scoring every centroid)
            JsonNode v = p.get("ngroups");
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) {
                throw new IllegalArgumentException("params.ngroups must be an integer >= 0 (0: score every centroid), got " + v);
            }
            ngroups = v.intValue();
        }
        Float t = defaults.centroidScoreThreshold();
        if (p.has("centroid_score_threshold")) {
            JsonNode v = p.get("centroid_score_threshold");
            if (!v.isNumber() || !Float.isFinite(v.floatValue())) {
                throw new IllegalArgumentException("params.centroid_score_threshold must be a finite number, got " + v);
            }
            t = v.floatValue();
        }
        Integer depth = defaults.depth();
        if (p.has("depth")) {
            depth = positiveInt(p, "depth", "max_rerank_docs", limits.maxRerankDocs());
        }
        Fusion fusion = defaults.fusion();
        if (p.has("fusion")) {
            try {
                fusion = Fusion.parse(p.get("fusion").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("params.fusion: " + e.getMessage());
            }
        }
        Float alpha = defaults.alpha();
        if (p.has("alpha")) {
            JsonNode v = p.get("alpha");
            if (!v.isNumber() || !(v.floatValue() >= 0 && v.floatValue() <= 1)) {
                throw new IllegalArgumentException("params.alpha must be a number in [0, 1], got " + v);
            }
            alpha = v.floatValue();
        }
        return new SearchParams(mode, ncells, t, ndocs, fusion, alpha, depth, defaults.filter(), ngroups);
    }

    private static void exactOnly(JsonNode p) {
        if (p == null || !p.isObject()) {
            return;
        }
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("mode")) {
                throw new IllegalArgumentException("params." + f + " does not apply to mode \"exact\" (exhaustive MaxSim over the index)");
            }
        }
    }

    private static int positiveInt(JsonNode p, String name, String limit, int max) {
        JsonNode v = p.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() <= 0) {
            throw new IllegalArgumentException("params." + name + " must be a positive integer, got " + v);
        }
        if (v.asLong() > max) {
            throw new LimitExceededException(limit, "params." + name + " = " + v.asLong(), max);
        }
        return (int) v.asLong();
    }

    /** The request's vectors, or its text encoded; either within {@code max_query_tokens}. */
    private float[] queryVectors(Request r) {
        if (r.vectors() != null) {
            return r.vectors();
        }
        IndexSnapshot snap = index.snapshot();
        int dim = snap.dim();
        int maxTokens = limits.queryTokens(snap.manifest().settings());
        JsonNode q = r.fields().get("query");
        if (q == null || q.isNull()) {
            throw new IllegalArgumentException("give \"query\" (text) or \"vectors\" ([[" + dim + " floats], …] or base64 of"
                    + " little-endian float32)");
        }
        if (!q.isTextual() || q.asText().isBlank()) {
            throw new IllegalArgumentException("\"query\" must be non-empty text");
        }
        float[] vectors = index.encode(q.asText());
        if (vectors.length / dim > maxTokens) {
            throw new LimitExceededException("max_query_tokens", "the query's " + vectors.length / dim + " encoded tokens", maxTokens);
        }
        return vectors;
    }

    private ObjectNode result(SearchResult r, long t0, List<String> fields) {
        long ns = System.nanoTime() - t0;
        stats.searched(ns);
        ObjectNode o = JSON.createObjectNode();
        ArrayNode hits = JsonQueries.hits(r, index, fields);
        if (!r.partition().isWhole()) {
            // a router merges by score, ties by pid as SearchResult.RANKING does; pids are global within a version
            for (int i = 0; i < hits.size(); i++) {
                ((ObjectNode) hits.get(i)).put("pid", r.hits().get(i).pid());
            }
            IndexBackend.put(o, r.partition());
        }
        o.set("results", hits);
        o.put("latency_ms", Math.round(ns / 1e3) / 1e3);
        o.put("version", r.version());
        return o;
    }
}
