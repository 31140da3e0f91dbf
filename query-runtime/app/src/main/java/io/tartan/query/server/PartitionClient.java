package io.tartan.query.server;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 to one partition server on kept-alive blocking sockets, written and read by the thread that routes the
 * request: {@link #send} writes a request and returns at once, {@link Call#answer} reads its answer, so a router
 * writes to every partition first and then reads their answers in turn, waiting only as long as the slowest, on one
 * thread. The JDK HTTP client moved each exchange through its selector thread and back (docs/BENCHMARKS.md, "Partitions
 * and the router": ≈ 1.8 ms a request more than a blocking socket on this 2-core machine); here a request is one
 * write of headers and body with TCP_NODELAY, and its answer is read where it is needed.
 *
 * <p>Everything of an exchange (connecting, writing, the status line, headers and body) must end before the caller's
 * deadline, else it fails with {@link SocketTimeoutException} and the connection is dropped. Idle connections are kept
 * for reuse; one the server has closed meanwhile (its idle timeout) shows as an error before the first byte of the
 * answer, and the request is then sent once more on a new connection: a search changes nothing, so sending it twice is
 * safe. Answers may have a Content-Length, be chunked or end with the connection.
 */
final class PartitionClient implements AutoCloseable {
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final URI base;
    private final String host;
    private final int port;
    private final boolean tls;
    private final String token;
    private final SSLSocketFactory tlsSockets;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** An answer as it came: status and body. */
    record Answer(int status, byte[] body) {
    }

    PartitionClient(URI base, String token) {
        this(base, token, null);
    }

    /** @param tlsSockets how an {@code https} partition is reached; null: the JVM's default (its trust store) */
    PartitionClient(URI base, String token, SSLSocketFactory tlsSockets) {
        this.tlsSockets = tlsSockets;
        this.base = base;
        this.host = base.getHost();
        this.tls = "https".equals(base.getScheme());
        this.port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        this.token = token;
    }

    URI base() {
        return base;
    }

    /** One request written, its answer not yet read. */
    final class Call {
        private final byte[] request;
        private final long deadlineNanos;
        private Connection connection;
        private boolean reused;
        private IOException failure;

        private Call(byte[] request, long deadlineNanos) {
            this.request = request;
            this.deadlineNanos = deadlineNanos;
        }

        /** Reads the answer (by the deadline given to {@link #send}); the connection goes back to the pool after it. */
        Answer answer() throws IOException {
            if (failure != null) {
                throw failure;
            }
            try {
                Answer a = connection.read(deadlineNanos);
                release(connection);
                return a;
            } catch (StaleConnectionException e) {
                connection.close();
                if (!reused) {
                    throw e.getCause() instanceof IOException io ? io : e;
                }
                // the server closed this kept-alive connection before our request reached it: once more, anew
                resend();
                return answer();
            } catch (IOException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        /** The request once more on a new connection: a search changes nothing, so sending it twice is safe. */
        private void resend() throws IOException {
            connection = open(deadlineNanos);
            reused = false;
            connection.write(request);
        }
    }

    /**
     * Writes {@code method path} with {@code body} (null for none) on an idle or new connection; a failure to do so is
     * thrown by {@link Call#answer}, so a router's loop over the partitions never stops at one.
     */
    Call send(String method, String path, byte[] body, long deadlineNanos) {
        Call c = new Call(request(method, path, body), deadlineNanos);
        try {
            c.connection = idle.pollFirst();
            c.reused = c.connection != null;
            if (c.connection == null) {
                c.connection = open(deadlineNanos);
            }
            try {
                c.connection.write(c.request);
            } catch (IOException e) {
                c.connection.close();
                if (!c.reused) {
                    throw e;
                }
                c.resend();
            }
        } catch (IOException e) {
            c.failure = e;
        }
        return c;
    }

    private byte[] request(String method, String path, byte[] body) {
        StringBuilder h = new StringBuilder(160).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append(':').append(port).append("\r\n");
        if (token != null) {
            h.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (body != null) {
            h.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        byte[] head = h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return head;
        }
        // headers and body in one write: with TCP_NODELAY that is as few packets as the body needs, and no wait
        // for the server's ACK of the headers (Nagle's algorithm with delayed ACKs) between them
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private Connection open(long deadlineNanos) throws IOException {
        if (closed) {
            throw new IOException("the router is closed");
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), remainingMs(deadlineNanos));
            if (tls) {
                SSLSocket ssl = (SSLSocket) (tlsSockets != null ? tlsSockets : (SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(s, host, port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
                ssl.setSoTimeout(remainingMs(deadlineNanos));
                ssl.startHandshake();
                s = ssl;
            }
            return new Connection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private void release(Connection c) {
        if (c.reusable && !closed) {
            idle.addFirst(c);
            if (closed && idle.remove(c)) {
                c.close();
            }
        } else {
            c.close();
        }
    }

    /** Milliseconds left until the deadline, rounded up (a socket takes 0 as no timeout); none left is a timeout. */
    private static int remainingMs(long deadlineNanos) throws SocketTimeoutException {
        long ns = deadlineNanos - System.nanoTime();
        if (ns <= 0) {
            throw new SocketTimeoutException("no answer by the deadline");
        }
        return (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(ns + 999_999));
    }

    /** Closes the idle connections; connections in use close when their exchange ends. */
    @Override
    public void close() {
        closed = true;
        for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            c.close();
        }
    }

    /** The connection failed before the first byte of an answer: on a reused one, the server had closed it. */
    private static final class StaleConnectionException extends IOException {
        StaleConnectionException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** One socket and its read buffer. */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int lim;
        private boolean reusable;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void write(byte[] request) throws IOException {
            out.write(request);
            out.flush();
        }

        Answer read(long deadlineNanos) throws IOException {
            pos = 0;
            lim = 0;
            reusable = false;
            String status;
            try {
                status = line(deadlineNanos);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                throw new StaleConnectionException(e);
            }
            // "HTTP/1.1 200 OK"
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.1 answer: " + status);
            }
            int code = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = parts[0].equals("HTTP/1.0");
            int headerBytes = status.length();
            for (String h = line(deadlineNanos); !h.isEmpty(); h = line(deadlineNanos)) {
                headerBytes += h.length();
                if (headerBytes > MAX_HEADER_BYTES) {
                    throw new IOException("answer headers larger than " + MAX_HEADER_BYTES + " bytes");
                }
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close |= value.toLowerCase(Locale.ROOT).contains("close");
                    default -> {
                    }
                }
            }
            byte[] body;
            if (chunked) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (int n = chunkSize(line(deadlineNanos)); n > 0; n = chunkSize(line(deadlineNanos))) {
                    b.write(bytes(n, deadlineNanos));
                    line(deadlineNanos);
                }
                // trailers, up to the empty line
                while (!line(deadlineNanos).isEmpty()) {
                    // dropped
                }
                body = b.toByteArray();
            } else if (length >= 0) {
                if (length > Integer.MAX_VALUE - 8) {
                    throw new IOException("answer body of " + length + " bytes");
                }
                body = bytes((int) length, deadlineNanos);
            } else {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(buf, pos, lim - pos);
                pos = lim;
                while (fill(deadlineNanos)) {
                    b.write(buf, pos, lim - pos);
                    pos = lim;
                }
                body = b.toByteArray();
                close = true;
            }
            reusable = !close && pos == lim;
            return new Answer(code, body);
        }

        /**
         * Sets the socket's read timeout to what is left until the deadline. Past it, only what has already arrived
         * is read: the partitions' answers are read one after another, and one that came in time is taken even when
         * an earlier partition used up the time.
         */
        private void timeout(long deadlineNanos) throws IOException {
            if (deadlineNanos - System.nanoTime() <= 0) {
                if (in.available() == 0) {
                    throw new SocketTimeoutException("no answer by the deadline");
                }
                socket.setSoTimeout(1);
                return;
            }
            socket.setSoTimeout(remainingMs(deadlineNanos));
        }

        private static int chunkSize(String line) throws IOException {
            int semi = line.indexOf(';');
            try {
                return Integer.parseInt((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + line);
            }
        }

        /** Reads more into the buffer by the deadline; false at the end of the stream. */
        private boolean fill(long deadlineNanos) throws IOException {
            if (pos == lim) {
                pos = 0;
                lim = 0;
            }
            if (lim == buf.length) {
                throw new IllegalStateException("buffer full");
            }
            timeout(deadlineNanos);
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                return false;
            }
            lim += n;
            return true;
        }

        private String line(long deadlineNanos) throws IOException {
            StringBuilder s = new StringBuilder();
            while (true) {
                if (pos == lim && !fill(deadlineNanos)) {
                    throw new EOFException("connection closed before the end of the answer's headers");
                }
                byte c = buf[pos++];
                if (c == '\n') {
                    int n = s.length();
                    return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
                }
                if (s.length() > MAX_HEADER_BYTES) {
                    throw new IOException("answer header line longer than " + MAX_HEADER_BYTES + " bytes");
                }
                s.append((char) (c & 0xff));
            }
        }

        private byte[] bytes(int n, long deadlineNanos) throws IOException {
            byte[] out = new byte[n];
            int got = Math.min(n, lim - pos);
            System.arraycopy(buf, pos, out, 0, got);
            pos += got;
            while (got < n) {
                // the rest straight into the answer's array, by the deadline
                timeout(deadlineNanos);
                int r = in.read(out, got, n - got);
                if (r < 0) {
                    throw new EOFException("connection closed after " + got + " of " + n + " body bytes");
                }
                got += r;
            }
            return out;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that is left to do with it
            }
        }
    }
}
