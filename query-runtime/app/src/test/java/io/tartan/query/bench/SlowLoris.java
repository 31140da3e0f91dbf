package io.tartan.query.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/**
 * A slow-loris client: a {@code POST /search} sent a byte at a time, either all of it (headers too) or, with
 * {@code bodyOnly}, complete headers and then a trickled body. It stops when the server cuts it off or the caller
 * closes the socket; the socket is left open for reading the server's answer.
 */
public final class SlowLoris {
    private SlowLoris() {
    }

    public static Socket open(String host, int port, boolean bodyOnly, long dripMillis, ExecutorService pool) throws IOException {
        Socket s = new Socket(host, port);
        s.setSoTimeout(60_000);
        String head = "POST /search HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
        String body = "{\"vectors\": [[" + "0.1, ".repeat(20_000);
        pool.submit(() -> {
            try {
                OutputStream out = s.getOutputStream();
                if (bodyOnly) {
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                for (byte b : ((bodyOnly ? "" : head) + body).getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(dripMillis);
                }
            } catch (IOException | InterruptedException e) {
                // cut off by the server, or closed by the caller
            }
            return null;
        });
        return s;
    }
}
