package io.tartan.query.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.cli.JsonQueries;

/**
 * A {@link Backend} that routes searches through a {@link PartitionRouter}. It checks what it can without the index
 * ({@code k} against {@code max_k}; the body size is checked before) and takes off its own field,
 * {@code require_complete}, reading no more of the body than that ({@link RoutedRequest}); the partitions check the
 * rest of the request and a 400 of theirs is passed on.
 */
final class RouterBackend implements Backend {
    private final PartitionRouter router;
    private final RequestLimits limits;
    private final ServerStats stats;

    RouterBackend(PartitionRouter router, RequestLimits limits, ServerStats stats) {
        this.router = router;
        this.limits = limits;
        this.stats = stats;
    }

    @Override
    public ObjectNode search(byte[] body) throws Exception {
        RoutedRequest req = RoutedRequest.read(body, limits);
        long t0 = System.nanoTime();
        RoutedResult r = router.search(req);
        long ns = System.nanoTime() - t0;
        stats.searched(ns);
        ObjectNode o = JsonReplies.JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode hits = JsonQueries.hits(r.result());
        for (int i = 0; i < hits.size(); i++) {
            ObjectNode f = r.fields().get(r.result().hits().get(i).pid());
            if (f != null) {
                ((ObjectNode) hits.get(i)).setAll(f);
            }
        }
        o.set("results", hits);
        o.put("latency_ms", Math.round(ns / 1e3) / 1e3);
        o.put("version", r.result().version());
        o.put("partitions", router.partitions().size());
        o.put("partial", r.partial());
        PartitionRouter.put(o, r.failed());
        return o;
    }

    @Override
    public ObjectNode pool(byte[] body) {
        throw new RoutingException(501, JsonReplies.error("POST /pool is a partition server's answer to a router; a "
                + "router does not route it"));
    }

    @Override
    public ObjectNode bm25Statistics(byte[] body) {
        throw new RoutingException(501, JsonReplies.error("POST /bm25_statistics is a partition server's answer to a "
                + "router; a router does not route it"));
    }

    @Override
    public ObjectNode rerank(byte[] body) {
        throw new RoutingException(501, JsonReplies.error("the router does not route POST /rerank: a document lives on one "
                + "partition; send /rerank to the partition servers"));
    }

    @Override
    public ObjectNode health() {
        ObjectNode o = JsonReplies.JSON.createObjectNode();
        o.put("status", "ok");
        o.put("router", true);
        o.put("partitions", router.partitions().size());
        return o;
    }

    @Override
    public void describe(ObjectNode o) {
        o.put("router", true);
        o.putPOJO("partitions", router.partitions().stream().map(Object::toString).toList());
        o.put("partition_timeout_ms", router.settings().partitionTimeoutMs());
        o.put("require_complete", router.settings().requireComplete());
        // asked now: what is wrong with the partitions as a set (down, layout, versions)
        o.putPOJO("problems", router.check());
    }
}
