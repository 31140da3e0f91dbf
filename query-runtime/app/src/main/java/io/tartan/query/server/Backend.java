package io.tartan.query.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a {@link SearchServer} answers from: one index (or partition of one) searched here, or the partitions a
 * {@link PartitionRouter} fans out to. The HTTP side (auth, body limits, the worker queue, 503s) is the same for both.
 */
interface Backend {
    /** {@code POST /search}: the 200 body, or an exception {@link ApiHandler} maps to its status. */
    ObjectNode search(byte[] body) throws Exception;

    /** {@code POST /pool}: a partition's candidate pool for a router (SearchApi#pool). */
    ObjectNode pool(byte[] body) throws Exception;

    /** {@code POST /bm25_statistics}: a partition's share of a text query's BM25 statistics (SearchApi#bm25Statistics). */
    ObjectNode bm25Statistics(byte[] body) throws Exception;

    /** {@code POST /rerank}. */
    ObjectNode rerank(byte[] body) throws Exception;

    /** {@code GET /health}: cheap, answered on Jetty's threads. */
    ObjectNode health();

    /** This backend's part of {@code GET /stats}. */
    void describe(ObjectNode stats);
}
