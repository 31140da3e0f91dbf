package io.tartan.query.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.MissingEncoderException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Routes {@code POST /search}, {@code POST /rerank}, {@code POST /pool} and {@code POST /bm25_statistics} (a
 * router's requests to a partition), {@code GET /health} and {@code GET /stats}.
 *
 * <p>Request bodies are read asynchronously, so a slow client holds a connection but no thread; only a fully read
 * body is searched ({@link Admission}: on the thread that read it when a search thread's place is free, else a
 * bounded queue, then a bounded wait, then 503 with {@code Retry-After}).
 * {@code /health} is answered here on Jetty's own threads, never behind queued searches, and needs no token.
 * Every response carries an {@code X-Request-Id}; a 500 says nothing but that id, the log has the rest.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    /** A request's work on a search worker: its body in, the JSON for 200 out. */
    private interface Work {
        ObjectNode run(byte[] body) throws Exception;
    }

    private final Backend backend;
    private final ServerSettings settings;
    private final Admission admission;
    private final ServerStats stats;
    private final BearerAuth auth;

    ApiHandler(Backend backend, ServerSettings settings, Admission admission, ServerStats stats) {
        this.backend = backend;
        this.settings = settings;
        this.admission = admission;
        this.stats = stats;
        this.auth = settings.authToken() == null ? null : new BearerAuth(settings.authToken());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        stats.received();
        String id = UUID.randomUUID().toString();
        response.getHeaders().put(JsonReplies.REQUEST_ID, id);
        Exchange ex = new Exchange(request, response, callback, id);
        String path = Request.getPathInContext(request);
        switch (path) {
            case "/health" -> {
                if (method(ex, "GET")) {
                    ex.send(HttpStatus.OK_200, backend.health());
                }
            }
            case "/stats" -> {
                if (authorized(ex) && method(ex, "GET")) {
                    ex.send(HttpStatus.OK_200, stats());
                }
            }
            case "/search" -> post(ex, backend::search);
            case "/rerank" -> post(ex, backend::rerank);
            case "/pool" -> post(ex, backend::pool);
            case "/bm25_statistics" -> post(ex, backend::bm25Statistics);
            default -> ex.send(HttpStatus.NOT_FOUND_404, JsonReplies.error("no such endpoint: " + path
                    + " (use POST /search, POST /rerank, GET /health, GET /stats)"));
        }
        return true;
    }

    private boolean method(Exchange ex, String method) {
        if (method.equals(ex.request.getMethod())) {
            return true;
        }
        ex.response.getHeaders().put(HttpHeader.ALLOW, method);
        ex.send(HttpStatus.METHOD_NOT_ALLOWED_405, JsonReplies.error(Request.getPathInContext(ex.request) + " accepts " + method + " only"));
        return false;
    }

    private boolean authorized(Exchange ex) {
        if (auth == null || auth.allows(ex.request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            return true;
        }
        ex.response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"tartan\"");
        ex.send(HttpStatus.UNAUTHORIZED_401, JsonReplies.error("missing or wrong bearer token: send \"Authorization: Bearer <token>\" "
                + "with the token of the server's --auth-token-file"));
        return false;
    }

    private void post(Exchange ex, Work work) {
        if (!authorized(ex) || !method(ex, "POST")) {
            return;
        }
        int max = settings.limits().maxBodyBytes();
        if (ex.request.getLength() > max) {
            discardThen(ex, max, () -> ex.send(HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(max)));
            return;
        }
        CompletableFuture<byte[]> read = Content.Source.asByteArrayAsync(ex.request, max);
        // the read timeout: a body that keeps trickling in above the minimum rate still has to end in time
        Scheduler.Task deadline = ex.request.getComponents().getScheduler().schedule(
                () -> read.completeExceptionally(new TimeoutException("body timeout")), settings.bodyTimeoutMs(), TimeUnit.MILLISECONDS);
        read.whenComplete((body, failure) -> {
            deadline.cancel();
            if (failure != null) {
                bodyFailed(ex, failure, max);
            } else {
                dispatch(ex, work, body);
            }
        });
    }

    /**
     * Reads and drops up to {@code budget} more bytes of a body that will not be used, then runs {@code reply} once.
     * Answering before the client has finished sending makes the server close a socket with unread input, and the
     * kernel then resets the connection, which can destroy the response before the client reads it: the client sees
     * "connection reset" instead of the 413. Swallowing a bounded overshoot (Tomcat's maxSwallowSize does the same)
     * lets a client that sent somewhat too much see why; a body larger still, or slower than the body timeout, is
     * answered at once and cut off.
     */
    private void discardThen(Exchange ex, long budget, Runnable reply) {
        AtomicBoolean once = new AtomicBoolean();
        Runnable replyOnce = () -> {
            if (once.compareAndSet(false, true)) {
                reply.run();
            }
        };
        Scheduler.Task deadline = ex.request.getComponents().getScheduler().schedule(replyOnce, settings.bodyTimeoutMs(),
                TimeUnit.MILLISECONDS);
        new Runnable() {
            long left = budget;

            @Override
            public void run() {
                while (!once.get()) {
                    Content.Chunk chunk = ex.request.read();
                    if (chunk == null) {
                        ex.request.demand(this);
                        return;
                    }
                    left -= chunk.remaining();
                    chunk.release();
                    if (chunk.isLast() || Content.Chunk.isFailure(chunk) || left < 0) {
                        deadline.cancel();
                        replyOnce.run();
                        return;
                    }
                }
            }
        }.run();
    }

    private static ObjectNode tooLarge(int max) {
        ObjectNode o = JsonReplies.error("request body larger than " + max + " bytes (setting max_body_bytes, tartan serve --max-body-bytes)");
        o.put("limit", "max_body_bytes");
        return o;
    }

    private void bodyFailed(Exchange ex, Throwable failure, int max) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            ex.send(HttpStatus.REQUEST_TIMEOUT_408, JsonReplies.error("request body not received in time: it stalled for the idle "
                    + "timeout (" + settings.idleTimeoutMs() + " ms), arrived slower than " + settings.minRequestBytesPerSec()
                    + " bytes/s, or took longer than " + settings.bodyTimeoutMs() + " ms (tartan serve --idle-timeout-ms, "
                    + "--min-request-bytes-per-sec, --body-timeout-ms)"));
        } else if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
            discardThen(ex, max, () -> ex.send(HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(max)));
        } else {
            LOG.debug("request {}: reading the body failed: {}", ex.id, cause.toString());
            ex.send(HttpStatus.BAD_REQUEST_400, JsonReplies.error("the request body could not be read"));
        }
    }

    private void dispatch(Exchange ex, Work work, byte[] body) {
        admission.submit(() -> respond(ex, work, body), () -> {
            ex.response.getHeaders().put(HttpHeader.RETRY_AFTER, settings.retryAfterSeconds());
            ex.send(HttpStatus.SERVICE_UNAVAILABLE_503, JsonReplies.error("server busy: all " + settings.threads()
                    + " search threads are working, " + settings.queue() + " requests are queued and none left the queue "
                    + "within " + settings.queueWaitMs() + " ms (tartan serve --threads, --queue, --queue-wait-ms); retry after "
                    + settings.retryAfterSeconds() + " s"));
        });
    }

    private void respond(Exchange ex, Work work, byte[] body) {
        ObjectNode out;
        int status;
        try {
            out = work.run(body);
            status = HttpStatus.OK_200;
        } catch (RoutingException e) {
            out = e.body();
            status = e.status();
            if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
                ex.response.getHeaders().put(HttpHeader.RETRY_AFTER, settings.retryAfterSeconds());
            }
        } catch (LimitExceededException e) {
            out = JsonReplies.error(e.getMessage());
            out.put("limit", e.limit());
            status = HttpStatus.BAD_REQUEST_400;
        } catch (JsonProcessingException e) {
            out = JsonReplies.error("malformed JSON: " + e.getOriginalMessage());
            status = HttpStatus.BAD_REQUEST_400;
        } catch (IllegalArgumentException | MissingEncoderException e) {
            out = JsonReplies.error(e.getMessage());
            status = HttpStatus.BAD_REQUEST_400;
        } catch (Throwable e) {
            LOG.error("request {} ({} {}) failed", ex.id, ex.request.getMethod(), Request.getPathInContext(ex.request), e);
            out = JsonReplies.error("internal error; the server log has the details under request id " + ex.id);
            out.put("request_id", ex.id);
            status = HttpStatus.INTERNAL_SERVER_ERROR_500;
        }
        ex.send(status, out);
    }

    private ObjectNode stats() {
        ObjectNode o = JsonReplies.JSON.createObjectNode();
        backend.describe(o);
        stats.write(o.putObject("requests"));
        o.put("workers", settings.threads());
        o.put("active", admission.running());
        o.put("queued", admission.queued());
        o.put("waiting", admission.waiting());
        o.put("queue", settings.queue());
        return o;
    }

    /** One request in flight: what answering it needs. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final String id;

        Exchange(Request request, Response response, Callback callback, String id) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.id = id;
        }

        void send(int status, ObjectNode body) {
            stats.answered(status);
            if (status == HttpStatus.PAYLOAD_TOO_LARGE_413 || status == HttpStatus.REQUEST_TIMEOUT_408) {
                // the body was not read to its end, so the connection cannot carry another request: say so, or a
                // pooling client sends its next request into a connection the server is closing
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            JsonReplies.send(response, callback, status, body);
        }
    }
}
