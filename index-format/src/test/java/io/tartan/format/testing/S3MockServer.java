package io.tartan.format.testing;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real S3 server for tests: Adobe's s3mock ({@value #S3MOCK_VERSION}, the Spring Boot "exec" jar) in a child JVM on
 * a free port, plus the Hadoop S3A configuration that talks to it.
 *
 * <p>It runs as a separate process, never inside the test JVM, because its Spring Boot clashes with Spark's
 * classpath. The jar is not a test dependency for the same reason: the build copies it to
 * {@code target/s3mock/s3mock-exec.jar} and passes that path as the system property {@value #JAR_PROPERTY}; without
 * the property the local Maven repository copy is used.
 *
 * <pre>
 * try (S3MockServer s3 = S3MockServer.start()) {          // buckets b1 and b2
 *     Configuration conf = s3.hadoopConf();
 *     new LocalIndexWriter(conf, new IndexLayout("s3a://b1/idx"), ...);
 * }
 * </pre>
 *
 * One server per test class ({@code @BeforeAll}/{@code @AfterAll}): start-up takes about 5 s. A JVM shutdown hook
 * stops the child if a test run dies before {@link #close()}.
 */
public final class S3MockServer implements AutoCloseable {
    public static final String S3MOCK_VERSION = "5.2.0";
    /** System property naming the s3mock exec jar (set by index-format's surefire configuration). */
    public static final String JAR_PROPERTY = "tartan.s3mock.jar";
    /** System property overriding the start-up bound, in seconds (CI machines with 2 busy cores are slow). */
    public static final String START_TIMEOUT_PROPERTY = "tartan.s3mock.startTimeoutSeconds";
    public static final List<String> DEFAULT_BUCKETS = List.of("b1", "b2");

    // Dummy credentials: s3mock accepts any signature. They never appear in logs or messages.
    private static final String ACCESS_KEY = "tartan-test-access-key";
    private static final String SECRET_KEY = "tartan-test-secret-key";
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final int port;
    private final List<String> buckets;
    private final java.nio.file.Path workDir;
    private final java.nio.file.Path log;
    private final Thread shutdownHook;
    private final Map<String, FileSystem> ownFileSystems = new HashMap<>();
    private boolean closed;

    private S3MockServer(Process process, int port, List<String> buckets, java.nio.file.Path workDir,
            java.nio.file.Path log, Thread shutdownHook) {
        this.process = process;
        this.port = port;
        this.buckets = buckets;
        this.workDir = workDir;
        this.log = log;
        this.shutdownHook = shutdownHook;
    }

    /** Starts a server with buckets {@code b1} and {@code b2}. */
    public static S3MockServer start() {
        return start(DEFAULT_BUCKETS);
    }

    /** Starts a server whose store holds the given (empty) buckets; blocks until it answers. */
    public static S3MockServer start(List<String> buckets) {
        return start(buckets, locateJar());
    }

    /** Starts the server from a given exec jar (normally {@link #locateJar()}). */
    public static S3MockServer start(List<String> buckets, java.nio.file.Path jar) {
        Duration timeout = Duration.ofSeconds(Long.getLong(START_TIMEOUT_PROPERTY, DEFAULT_START_TIMEOUT.toSeconds()));
        // A port picked here may be taken before the child binds it: try again with another.
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return launch(jar, buckets, freePort(), timeout);
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The s3mock exec jar: {@value #JAR_PROPERTY}, else the local Maven repository's copy. */
    public static java.nio.file.Path locateJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            java.nio.file.Path p = java.nio.file.Path.of(configured);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        String repo = System.getProperty("maven.repo.local",
                System.getProperty("user.home") + "/.m2/repository");
        java.nio.file.Path fallback = java.nio.file.Path.of(repo, "com", "adobe", "testing", "s3mock", S3MOCK_VERSION,
                "s3mock-" + S3MOCK_VERSION + "-exec.jar");
        if (Files.isRegularFile(fallback)) {
            return fallback;
        }
        throw new IllegalStateException("s3mock exec jar not found: system property " + JAR_PROPERTY + "="
                + configured + " and " + fallback + " do not exist. Run `mvn -pl index-format generate-test-resources`"
                + " (it copies com.adobe.testing:s3mock:" + S3MOCK_VERSION + ":exec to index-format/target/s3mock/)");
    }

    private static S3MockServer launch(java.nio.file.Path jar, List<String> buckets, int port, Duration timeout) {
        java.nio.file.Path workDir;
        try {
            workDir = Files.createTempDirectory("s3mock-");
            Files.createDirectories(workDir.resolve("store"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for s3mock: " + e.getMessage(), e);
        }
        java.nio.file.Path log = workDir.resolve("s3mock.log");
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(javaBin,
                // a short-lived test server: C1 only and the serial GC roughly halve start-up on 2 cores
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
                "-Djava.io.tmpdir=" + workDir,
                "-jar", jar.toString(),
                "--http.port=" + port,
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets),
                "--com.adobe.testing.s3mock.store.root=" + workDir.resolve("store"),
                // without it the buckets appear only on the first request
                "--spring.main.lazy-initialization=false",
                "--spring.main.banner-mode=off");
        Process process;
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            deleteRecursively(workDir);
            throw new UncheckedIOException("cannot start s3mock (" + javaBin + "): " + e.getMessage(), e);
        }
        Thread hook = new Thread(() -> stopProcess(process), "s3mock-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(hook);
        S3MockServer server = new S3MockServer(process, port, List.copyOf(buckets), workDir, log, hook);
        try {
            server.awaitReady(timeout);
        } catch (RuntimeException e) {
            String tail = server.logTail();
            server.close();
            if (tail.contains("already in use")) {
                throw new PortTakenException(port);
            }
            throw new IllegalStateException(e.getMessage() + "\n--- last lines of the s3mock log ---\n" + tail, e);
        }
        return server;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3mock exited with status " + process.exitValue()
                        + " before it answered on port " + port);
            }
            try {
                int status = httpGetStatus(URI.create(endpoint() + "/"));
                if (status == 200) {
                    return;
                }
                lastError = "HTTP " + status;
            } catch (IOException e) {
                lastError = e.toString();
            }
            sleep(100);
        }
        throw new IllegalStateException("s3mock did not answer GET " + endpoint() + "/ with 200 within "
                + timeout.toSeconds() + " s (last: " + lastError + "); raise -D" + START_TIMEOUT_PROPERTY
                + " on a slow machine");
    }

    private static int httpGetStatus(URI uri) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(uri.toString()).openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, the value of {@code fs.s3a.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public List<String> buckets() {
        return buckets;
    }

    /** {@code s3a://<bucket>/<key>}. */
    public static Path uri(String bucket, String key) {
        return new Path("s3a://" + bucket + "/" + key);
    }

    /** A new Hadoop configuration with the S3A settings for this server (see {@link #configure}). */
    public Configuration hadoopConf() {
        Configuration conf = new Configuration();
        configure(conf);
        return conf;
    }

    /**
     * Points S3A in {@code conf} (e.g. a Spark session's Hadoop configuration) at this server: endpoint, path-style
     * addressing, plain HTTP, a fixed region, dummy static credentials, in-memory upload buffers (nothing under
     * /tmp), and few retries with short timeouts so a dead server fails a test in seconds, not minutes.
     */
    public void configure(Configuration conf) {
        conf.set("fs.s3a.endpoint", endpoint());
        conf.setBoolean("fs.s3a.path.style.access", true);
        conf.setBoolean("fs.s3a.connection.ssl.enabled", false);
        conf.set("fs.s3a.endpoint.region", "us-east-1");
        conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        conf.set("fs.s3a.access.key", ACCESS_KEY);
        conf.set("fs.s3a.secret.key", SECRET_KEY);
        conf.set("fs.s3a.fast.upload.buffer", "array");
        conf.set("fs.s3a.buffer.dir", workDir.resolve("s3a-buffer").toString());
        failFast(conf);
    }

    /** Few retries and short timeouts: a test against a dead or missing endpoint fails in seconds. */
    public static void failFast(Configuration conf) {
        conf.setInt("fs.s3a.attempts.maximum", 1);
        conf.setInt("fs.s3a.retry.limit", 1);
        conf.set("fs.s3a.retry.interval", "100ms");
        conf.setInt("fs.s3a.retry.throttle.limit", 1);
        conf.set("fs.s3a.retry.throttle.interval", "100ms");
        conf.set("fs.s3a.connection.establish.timeout", "2s");
        conf.set("fs.s3a.connection.timeout", "10s");
        conf.set("fs.s3a.connection.request.timeout", "20s");
    }

    /** Keys under {@code prefix} in {@code bucket}, sorted (directory markers excluded). */
    public List<String> list(String bucket, String prefix) {
        try {
            FileSystem fs = fileSystem(bucket);
            Path root = uri(bucket, prefix);
            List<String> keys = new ArrayList<>();
            try {
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
                while (it.hasNext()) {
                    keys.add(it.next().getPath().toUri().getPath().substring(1));
                }
            } catch (java.io.FileNotFoundException e) {
                return List.of();
            }
            keys.sort(Comparator.naturalOrder());
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list s3a://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
        }
    }

    /** Writes (or overwrites) one object in a single PUT. */
    public void put(String bucket, String key, byte[] bytes) {
        try (FSDataOutputStream out = fileSystem(bucket).create(uri(bucket, key), true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put s3a://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    public byte[] get(String bucket, String key) {
        try (FSDataInputStream in = fileSystem(bucket).open(uri(bucket, key))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot get s3a://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    // The helpers use their own instances so that closing them never disturbs the cached ones code under test uses.
    private synchronized FileSystem fileSystem(String bucket) throws IOException {
        FileSystem fs = ownFileSystems.get(bucket);
        if (fs == null) {
            fs = FileSystem.newInstance(URI.create("s3a://" + bucket + "/"), hadoopConf());
            ownFileSystems.put(bucket, fs);
        }
        return fs;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The last lines of the server's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the server (SIGTERM, then SIGKILL after {@code STOP_TIMEOUT}) and deletes its store. Hadoop caches one
     * S3A file system per bucket, whatever the endpoint: the cached ones for this server's buckets are closed too,
     * so the next server (another port) in this JVM does not get a client pointing at this one.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (FileSystem fs : ownFileSystems.values()) {
            closeQuietly(fs);
        }
        ownFileSystems.clear();
        for (String bucket : buckets) {
            evictCachedFileSystem(bucket, hadoopConf());
        }
        stopProcess(process);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run; it is idempotent
        }
        deleteRecursively(workDir);
    }

    /** Closes (and so removes from Hadoop's cache) the cached S3A file system of {@code bucket}, if any. */
    public static void evictCachedFileSystem(String bucket, Configuration conf) {
        try {
            // Creating a client contacts nobody (fs.s3a.bucket.probe is 0), so this is cheap even if none was cached.
            FileSystem.get(URI.create("s3a://" + bucket + "/"), conf).close();
        } catch (IOException | RuntimeException e) {
            // best effort: a stale cached client only matters to a later server in the same JVM
        }
    }

    private static void stopProcess(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy(); // SIGTERM: Spring shuts down gracefully
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        // s3mock binds its HTTP port on every interface, so probe the wildcard address, not only loopback
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port: " + e.getMessage(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for s3mock", e);
        }
    }

    private static void closeQuietly(FileSystem fs) {
        try {
            fs.close();
        } catch (IOException | RuntimeException ignored) {
            // closing a client of a server that is going away
        }
    }

    private static void deleteRecursively(java.nio.file.Path dir) {
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // temp files under target/tmp; mvn clean removes leftovers
        }
    }

    @Override
    public String toString() {
        return "S3MockServer[" + endpoint() + ", buckets " + buckets + (isRunning() ? "" : ", stopped") + "]";
    }

    /** The child could not bind the port picked for it (another process took it in between). */
    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(int port) {
            super("port " + port + " was taken before s3mock could bind it");
        }
    }
}
