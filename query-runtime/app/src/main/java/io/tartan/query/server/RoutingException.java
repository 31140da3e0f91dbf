package io.tartan.query.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A routed search that has no 200 answer, decided by what the partitions said: 503 when a complete result was asked
 * for and a partition failed (or all did), or when they answered from different index versions; 502 when the
 * partitions do not form one index; a partition's own 4xx when the request itself is bad. {@link #body} is the JSON
 * a {@link SearchServer} sends with {@link #status}.
 */
public final class RoutingException extends RuntimeException {
    private final int status;
    private final transient ObjectNode body;

    RoutingException(int status, ObjectNode body) {
        super(body.path("error").asText());
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public ObjectNode body() {
        return body;
    }
}
