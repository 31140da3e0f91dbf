package io.tartan.query.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PartitionClient} against a scripted HTTP/1.1 server on a socket: answers framed by Content-Length, chunked
 * or by the end of the connection; connections reused, dropped after "Connection: close", and a kept-alive one the
 * server has closed replaced without the caller noticing; the deadline covering a trickling answer, and an answer that
 * arrived in time read after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PartitionClientTest {
    /** What the scripted server does with one request: the bytes to answer, then whether to close the connection. */
    private interface Script {
        void answer(int request, String head, byte[] body, OutputStream out, Socket socket) throws Exception;
    }

    /** Accepts connections and answers each request on them by the script; counts connections and keeps the heads. */
    private static final class ScriptedServer implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final List<String> heads = new CopyOnWriteArrayList<>();
        final Thread acceptor;

        ScriptedServer(Script script) throws IOException {
            this(script, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        }

        /** On {@code server}, e.g. a TLS server socket. */
        ScriptedServer(Script script, ServerSocket server) {
            this.server = server;
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        Thread t = new Thread(() -> serve(s, script));
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void serve(Socket s, Script script) {
            try (s) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (!s.isClosed()) {
                    String head = head(in);
                    if (head == null) {
                        return;
                    }
                    heads.add(head);
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    byte[] body = in.readNBytes(length);
                    script.answer(requests.getAndIncrement(), head, body, out, s);
                    out.flush();
                }
            } catch (Exception e) {
                // the client went away
            }
        }

        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                byte[] a = b.toByteArray();
                int n = a.length;
                if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                    return new String(a, StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        URI url() {
            return URI.create((server instanceof SSLServerSocket ? "https" : "http") + "://127.0.0.1:" + server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long in(long ms) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** The body echoed back, with Content-Length. */
    private static final Script ECHO = (i, head, body, out, s) -> {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n"));
        out.write(body);
    };

    @Test
    void answersAreReadWhateverTheirFramingAndKeptAliveConnectionsAreReused() throws Exception {
        Script script = (i, head, body, out, s) -> {
            switch (i) {
                case 0 -> ECHO.answer(i, head, body, out, s);
                case 1 -> out.write(ascii("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\n{\"err\r\n9;ext=1\r\nor\": \"x\"}\r\n0\r\nTrailer: t\r\n\r\n"));
                default -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\n{\"till\": \"the end\"}"));
                    s.close();
                }
            }
        };
        try (ScriptedServer server = new ScriptedServer(script); PartitionClient c = new PartitionClient(server.url(), "tok")) {
            byte[] body = "{\"k\": 10, \"vectors\": \"AAAA\"}".getBytes(StandardCharsets.UTF_8);
            PartitionClient.Answer a = c.send("POST", "/search", body, in(10_000)).answer();
            assertEquals(200, a.status());
            assertArrayEquals(body, a.body());
            PartitionClient.Answer chunked = c.send("GET", "/health", null, in(10_000)).answer();
            assertEquals(503, chunked.status());
            assertEquals("{\"error\": \"x\"}", new String(chunked.body(), StandardCharsets.UTF_8));
            assertEquals(1, server.connections.get(), "the second request went on the first one's connection");
            PartitionClient.Answer eof = c.send("GET", "/health", null, in(10_000)).answer();
            assertEquals("{\"till\": \"the end\"}", new String(eof.body(), StandardCharsets.UTF_8));
            assertTrue(server.heads.get(0).startsWith("POST /search HTTP/1.1\r\n"), server.heads.get(0));
            assertTrue(server.heads.get(0).contains("\r\nAuthorization: Bearer tok\r\n"), server.heads.get(0));
            assertTrue(server.heads.get(0).contains("\r\nContent-Length: " + body.length + "\r\n"), server.heads.get(0));
            // an answer that ended with its connection leaves none to reuse
            assertEquals(200, c.send("POST", "/search", body, in(10_000)).answer().status());
            assertEquals(2, server.connections.get());
        }
    }

    @Test
    void aConnectionTheServerClosedIsReplacedAndConnectionCloseIsHonoured() throws Exception {
        // every answer but the last says nothing of closing, and the server closes after it anyway (its idle timeout)
        Script script = (i, head, body, out, s) -> {
            ECHO.answer(i, head, body, out, s);
            out.flush();
            s.close();
        };
        try (ScriptedServer server = new ScriptedServer(script); PartitionClient c = new PartitionClient(server.url(), null)) {
            for (int i = 0; i < 4; i++) {
                byte[] body = ("{\"i\": " + i + "}").getBytes(StandardCharsets.UTF_8);
                PartitionClient.Answer a = c.send("POST", "/search", body, in(10_000)).answer();
                assertArrayEquals(body, a.body(), "request " + i);
            }
            assertEquals(4, server.requests.get(), "each request reached the server once");
            assertTrue(server.connections.get() >= 4, "closed connections were replaced");
        }
        Script closing = (i, head, body, out, s) -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"));
        try (ScriptedServer server = new ScriptedServer(closing); PartitionClient c = new PartitionClient(server.url(), null)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, c.send("GET", "/health", null, in(10_000)).answer().status());
            }
            assertEquals(3, server.connections.get(), "no connection reused after Connection: close");
        }
    }

    @Test
    void theDeadlineCoversATricklingAnswerButNotOneThatArrivedInTime() throws Exception {
        Script trickle = (i, head, body, out, s) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
            for (int b = 0; b < 100; b++) {
                out.write('x');
                out.flush();
                Thread.sleep(20);
            }
        };
        try (ScriptedServer server = new ScriptedServer(trickle); PartitionClient c = new PartitionClient(server.url(), null)) {
            long t0 = System.nanoTime();
            PartitionClient.Call call = c.send("GET", "/health", null, in(300));
            assertThrows(SocketTimeoutException.class, call::answer);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 250 && ms < 1500, "gave up at the deadline, after " + ms + " ms");
        }
        try (ScriptedServer server = new ScriptedServer(ECHO); PartitionClient c = new PartitionClient(server.url(), null)) {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            PartitionClient.Call call = c.send("POST", "/search", body, in(200));
            // another partition used up the time; this answer came within it and counts
            Thread.sleep(400);
            assertArrayEquals(body, call.answer().body());
        }
    }

    @Test
    void aServerThatIsNotThereFailsTheCallNotTheSend() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (PartitionClient c = new PartitionClient(URI.create("http://127.0.0.1:" + port), null)) {
            PartitionClient.Call call = c.send("GET", "/health", null, in(5_000));
            assertThrows(ConnectException.class, call::answer);
        }
    }

    @Test
    void anHttpsPartitionIsReachedOverTlsAndItsNameIsChecked(@TempDir Path dir) throws Exception {
        SSLContext partition = tls(selfSigned(dir, "partition", "ip:127.0.0.1"));
        try (ScriptedServer server = new ScriptedServer(ECHO,
                partition.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
                PartitionClient c = new PartitionClient(server.url(), null, partition.getSocketFactory())) {
            assertTrue(server.url().toString().startsWith("https://127.0.0.1:"));
            for (int i = 0; i < 2; i++) {
                byte[] body = ("{\"i\": " + i + "}").getBytes(StandardCharsets.UTF_8);
                assertArrayEquals(body, c.send("POST", "/search", body, in(10_000)).answer().body());
            }
            assertEquals(1, server.connections.get(), "the TLS connection was kept alive and reused");
        }
        // a certificate the client trusts, but for another name: refused, as a browser would
        SSLContext other = tls(selfSigned(dir, "other", "dns:other.example"));
        try (ScriptedServer server = new ScriptedServer(ECHO,
                other.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
                PartitionClient c = new PartitionClient(server.url(), null, other.getSocketFactory())) {
            PartitionClient.Call call = c.send("GET", "/health", null, in(10_000));
            assertThrows(SSLHandshakeException.class, call::answer);
            assertEquals(0, server.requests.get());
        }
    }

    /** A PKCS12 key store with a fresh self-signed certificate for {@code san}, made by the JDK's keytool. */
    private static KeyStore selfSigned(Path dir, String alias, String san) throws Exception {
        Path ks = dir.resolve(alias + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + alias, "-ext", "SAN=" + san, "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        return store;
    }

    /** Serves the store's key and trusts its certificate. */
    private static SSLContext tls(KeyStore store) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
