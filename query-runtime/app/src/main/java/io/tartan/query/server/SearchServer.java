package io.tartan.query.server;

import io.tartan.query.TartanIndex;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The HTTP JSON API ({@code POST /search}, {@code POST /rerank}, {@code GET /health}, {@code GET /stats}) on Jetty
 * 12's core handler API.
 *
 * <p>Jetty's threads parse requests and read bodies without blocking; at most {@code threads} searches run at once,
 * on the HTTP thread that read the body when a place is free (no hand-off) or else on a worker, behind a queue of
 * {@code queue} requests, and a request that finds both full waits up to {@code queueWaitMs} in arrival order
 * ({@link Admission}), then gets 503 with {@code Retry-After}. Connections are capped and closed after {@code idleTimeoutMs} of silence; bodies slower than
 * {@code minRequestBytesPerSec} are cut off (Jetty's {@link MinimumDataRateHandler}). {@link #close} stops
 * accepting, lets requests in flight finish for up to {@code shutdownGraceMs} (Jetty's graceful stop, new requests
 * get 503), then stops the workers. See {@link ServerSettings} for every setting.
 */
public final class SearchServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchServer.class);

    private final String serving;
    private final Backend backend;
    private final ServerSettings settings;
    private final ThreadPoolExecutor workers;
    private final Server jetty;
    private final ServerConnector connector;

    /** Serves {@code index} (the whole index, or the partition it was opened as). */
    public SearchServer(TartanIndex index, ServerSettings settings) {
        this(index.uri() + (index.partition().isWhole() ? "" : " partition " + index.partition()),
                stats -> new IndexBackend(index, settings, stats), settings);
    }

    /** Serves {@code router}: each search goes to all its partitions and their results are merged. */
    public SearchServer(PartitionRouter router, ServerSettings settings) {
        this("a router over " + router.partitions().size() + " partitions " + router.partitions(),
                stats -> new RouterBackend(router, settings.limits(), stats), settings);
    }

    private SearchServer(String serving, Function<ServerStats, Backend> backend, ServerSettings settings) {
        this.serving = serving;
        this.settings = settings;
        ServerStats stats = new ServerStats();
        this.backend = backend.apply(stats);
        AtomicInteger n = new AtomicInteger();
        // unbounded here: Admission keeps running + queued at threads + queue
        BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        this.workers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, "tartan-search-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());

        // Jetty's threads parse, read (bodies asynchronously) and write, and run a search when a place is free
        // (Admission); the workers above run those that had to queue. Up to `threads` of Jetty's can be busy
        // searching, so the pool has that many on top of the 32 it had for the I/O, /health and /stats alone.
        QueuedThreadPool io = new QueuedThreadPool(32 + settings.threads(), 4);
        io.setName("tartan-http");
        io.setDaemon(true);
        this.jetty = new Server(io);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeoutMs());
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(settings.maxConnections(), connector));
        Admission admission = new Admission(workers, settings.threads(), settings.threads() + settings.queue(), settings.queueWaitMs(),
                settings.maxConnections(), jetty.getScheduler());
        ApiHandler api = new ApiHandler(this.backend, settings, admission, stats);
        Handler rated = new MinimumDataRateHandler(api, settings.minRequestBytesPerSec(), 0);
        jetty.setHandler(new Draining(rated, settings.retryAfterSeconds()));
        jetty.setErrorHandler(new JsonErrorHandler(settings.retryAfterSeconds()));
        jetty.setStopTimeout(settings.shutdownGraceMs());
        jetty.setStopAtShutdown(false);
    }

    /** Jetty's graceful handler, answering requests that arrive during shutdown with JSON and Retry-After. */
    private static final class Draining extends GracefulHandler {
        private final int retryAfterSeconds;

        Draining(Handler handler, int retryAfterSeconds) {
            super(handler);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        protected void handleShutdownRejection(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfterSeconds);
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            JsonReplies.send(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                    JsonReplies.error("server shutting down; retry on another replica or after " + retryAfterSeconds + " s"));
        }
    }

    /** Binds the port and starts serving. */
    public SearchServer start() {
        try {
            jetty.start();
        } catch (Exception e) {
            workers.shutdownNow();
            throw new IllegalStateException("cannot serve on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        LOG.info("serving {} on http://{}:{}/ ({} search threads, queue {}, {}auth)", serving, settings.host(), port(),
                settings.threads(), settings.queue(), settings.authToken() == null ? "no " : "bearer ");
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public ServerSettings settings() {
        return settings;
    }

    /**
     * Stops accepting connections, lets requests in flight finish (up to the shutdown grace; new requests on open
     * connections get 503), then stops the workers. Does not close the index or router it serves.
     */
    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        } finally {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(settings.shutdownGraceMs(), TimeUnit.MILLISECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
