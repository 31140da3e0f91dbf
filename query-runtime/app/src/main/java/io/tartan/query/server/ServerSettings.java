package io.tartan.query.server;

import io.tartan.query.SearchParams;

/**
 * How {@link SearchServer} listens, queues and shuts down. Every field is a {@code tartan serve} flag (README.md,
 * "Serving over HTTP").
 *
 * @param host                  address to bind; anything but loopback exposes the API to the network
 * @param port                  TCP port; 0 picks a free one
 * @param threads               search worker threads
 * @param queue                 fully read requests that may wait for a worker
 * @param queueWaitMs           a request finding the workers busy and the queue full waits up to this long, in
 *                              arrival order and without a thread, for a place; then it gets 503 with
 *                              {@code Retry-After}. 0: 503 at once
 * @param maxConnections        open connections; further clients wait in the kernel's accept backlog
 * @param idleTimeoutMs         a connection that sends or accepts nothing for this long is closed (a stalled body
 *                              gets 408 first)
 * @param minRequestBytesPerSec a request body arriving slower than this is cut off with 408 (slow-loris clients);
 *                              0 turns the check off
 * @param bodyTimeoutMs         the whole request body must arrive within this, else 408 (the read timeout)
 * @param shutdownGraceMs       on stop, requests in flight get this long to finish; new ones get 503
 * @param retryAfterSeconds     the {@code Retry-After} of a 503
 * @param authToken             bearer token every endpoint but {@code /health} requires; null for none
 * @param limits                what one request may ask for
 * @param defaults              search parameters of requests that leave them out
 */
public record ServerSettings(String host, int port, int threads, int queue, long queueWaitMs, int maxConnections, long idleTimeoutMs,
        long minRequestBytesPerSec, long bodyTimeoutMs, long shutdownGraceMs, int retryAfterSeconds, String authToken, RequestLimits limits,
        SearchParams defaults) {
    public static final int DEFAULT_QUEUE = 64;
    public static final long DEFAULT_QUEUE_WAIT_MS = 1_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_MIN_REQUEST_BYTES_PER_SEC = 1024;
    public static final long DEFAULT_BODY_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

    public ServerSettings {
        if (threads <= 0 || queue < 0 || queueWaitMs < 0 || maxConnections <= 0 || idleTimeoutMs <= 0 || minRequestBytesPerSec < 0 || bodyTimeoutMs <= 0
                || shutdownGraceMs < 0 || retryAfterSeconds < 0) {
            throw new IllegalArgumentException("server settings out of range: threads, max_connections, "
                    + "idle_timeout and body_timeout must be positive, the others >= 0: " + this);
        }
        if (authToken != null && authToken.isBlank()) {
            throw new IllegalArgumentException("the auth token is empty");
        }
        limits = limits == null ? RequestLimits.defaults() : limits;
        defaults = defaults == null ? SearchParams.defaults() : defaults;
    }

    /** Loopback, one worker per processor, the documented defaults for the rest. */
    public static ServerSettings defaults(int port) {
        return new ServerSettings("127.0.0.1", port, Runtime.getRuntime().availableProcessors(), DEFAULT_QUEUE,
                DEFAULT_QUEUE_WAIT_MS, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MIN_REQUEST_BYTES_PER_SEC,
                DEFAULT_BODY_TIMEOUT_MS, DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_RETRY_AFTER_SECONDS, null, RequestLimits.defaults(),
                SearchParams.defaults());
    }

    public ServerSettings withHost(String h) {
        return new ServerSettings(h, port, threads, queue, queueWaitMs, maxConnections, idleTimeoutMs, minRequestBytesPerSec,
                bodyTimeoutMs, shutdownGraceMs, retryAfterSeconds, authToken, limits, defaults);
    }

    public ServerSettings withWorkers(int nThreads, int nQueue) {
        return new ServerSettings(host, port, nThreads, nQueue, queueWaitMs, maxConnections, idleTimeoutMs, minRequestBytesPerSec,
                bodyTimeoutMs, shutdownGraceMs, retryAfterSeconds, authToken, limits, defaults);
    }

    public ServerSettings withQueueWait(long ms) {
        return new ServerSettings(host, port, threads, queue, ms, maxConnections, idleTimeoutMs, minRequestBytesPerSec,
                bodyTimeoutMs, shutdownGraceMs, retryAfterSeconds, authToken, limits, defaults);
    }

    public ServerSettings withMaxConnections(int n) {
        return new ServerSettings(host, port, threads, queue, queueWaitMs, n, idleTimeoutMs, minRequestBytesPerSec,
                bodyTimeoutMs, shutdownGraceMs, retryAfterSeconds, authToken, limits, defaults);
    }

    public ServerSettings withTimeouts(long idleMs, long minBytesPerSec, long bodyMs) {
        return new ServerSettings(host, port, threads, queue, queueWaitMs, maxConnections, idleMs, minBytesPerSec, bodyMs,
                shutdownGraceMs, retryAfterSeconds, authToken, limits, defaults);
    }

    public ServerSettings withShutdown(long graceMs, int retryAfter) {
        return new ServerSettings(host, port, threads, queue, queueWaitMs, maxConnections, idleTimeoutMs, minRequestBytesPerSec,
                bodyTimeoutMs, graceMs, retryAfter, authToken, limits, defaults);
    }

    public ServerSettings withAuthToken(String token) {
        return new ServerSettings(host, port, threads, queue, queueWaitMs, maxConnections, idleTimeoutMs, minRequestBytesPerSec,
                bodyTimeoutMs, shutdownGraceMs, retryAfterSeconds, token, limits, defaults);
    }

    public ServerSettings withLimits(RequestLimits l) {
        return new ServerSettings(host, port, threads, queue, queueWaitMs, maxConnections, idleTimeoutMs, minRequestBytesPerSec,
                bodyTimeoutMs, shutdownGraceMs, retryAfterSeconds, authToken, l, defaults);
    }

    public ServerSettings withDefaults(SearchParams p) {
        return new ServerSettings(host, port, threads, queue, queueWaitMs, maxConnections, idleTimeoutMs, minRequestBytesPerSec,
                bodyTimeoutMs, shutdownGraceMs, retryAfterSeconds, authToken, limits, p);
    }

    @Override
    public String toString() {
        // never print the token
        return "ServerSettings[host=" + host + ", port=" + port + ", threads=" + threads + ", queue=" + queue + ", queueWaitMs=" + queueWaitMs
                + ", maxConnections=" + maxConnections + ", idleTimeoutMs=" + idleTimeoutMs + ", minRequestBytesPerSec="
                + minRequestBytesPerSec + ", bodyTimeoutMs=" + bodyTimeoutMs + ", shutdownGraceMs=" + shutdownGraceMs + ", retryAfterSeconds="
                + retryAfterSeconds + ", auth=" + (authToken != null) + ", limits=" + limits + ", defaults=" + defaults + "]";
    }
}
