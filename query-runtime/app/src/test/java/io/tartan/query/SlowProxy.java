package io.tartan.query;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 in front of a partition server that holds every request for {@code delayMs} before
 * forwarding it: a partition that is slow (a long GC, an overloaded machine) but not down.
 */
final class SlowProxy implements AutoCloseable {
    private final HttpServer server;

    SlowProxy(int targetPort, long delayMs) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "slow-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> {
            try {
                byte[] body = ex.getRequestBody().readAllBytes();
                Thread.sleep(delayMs);
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + targetPort + ex.getRequestURI()));
                b = "POST".equals(ex.getRequestMethod()) ? b.POST(HttpRequest.BodyPublishers.ofByteArray(body)) : b.GET();
                HttpResponse<byte[]> res = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(res.statusCode(), res.body().length);
                ex.getResponseBody().write(res.body());
            } catch (Exception e) {
                ex.sendResponseHeaders(502, -1);
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
