package io.tartan.query.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.Partition;
import io.tartan.query.TartanIndex;

/** A {@link Backend} searching one {@link TartanIndex}, whole or one partition of it. */
final class IndexBackend implements Backend {
    private final TartanIndex index;
    private final SearchApi api;

    IndexBackend(TartanIndex index, ServerSettings settings, ServerStats stats) {
        this.index = index;
        this.api = new SearchApi(index, settings.limits(), settings.defaults(), stats);
    }

    @Override
    public ObjectNode search(byte[] body) throws Exception {
        return api.search(body);
    }

    @Override
    public ObjectNode pool(byte[] body) throws Exception {
        return api.pool(body);
    }

    @Override
    public ObjectNode bm25Statistics(byte[] body) throws Exception {
        return api.bm25Statistics(body);
    }

    @Override
    public ObjectNode rerank(byte[] body) throws Exception {
        return api.rerank(body);
    }

    @Override
    public ObjectNode health() {
        IndexSnapshot s = index.snapshot();
        ObjectNode o = JsonReplies.JSON.createObjectNode();
        o.put("status", "ok");
        o.put("version", s.version());
        put(o, s.partition());
        return o;
    }

    /** {@code "partition": {"index": i, "count": n}}, what a router checks its partitions by. */
    static void put(ObjectNode o, Partition p) {
        ObjectNode n = o.putObject("partition");
        n.put("index", p.index());
        n.put("count", p.count());
    }

    @Override
    public void describe(ObjectNode o) {
        IndexSnapshot s = index.snapshot();
        o.put("index", index.uri());
        o.put("version", s.version());
        put(o, s.partition());
        o.put("documents", s.numDocs());
        o.put("tokens", s.numTokens());
        o.put("centroids", s.numCentroids());
        o.put("dim", s.dim());
        o.put("load_ms", s.loadMillis());
        o.put("text_queries", index.hasEncoder());
        ObjectNode mem = o.putObject("memory_bytes");
        s.memory().forEach(mem::put);
    }
}
