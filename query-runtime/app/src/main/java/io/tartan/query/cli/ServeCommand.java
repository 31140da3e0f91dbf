package io.tartan.query.cli;

import io.tartan.format.manifest.IndexSettings;
import io.tartan.query.IndexQueryEncoders;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.OpenOptions;
import io.tartan.query.Partition;
import io.tartan.query.TartanIndex;
import io.tartan.query.server.PartitionRouter;
import io.tartan.query.server.RequestLimits;
import io.tartan.query.server.RouterSettings;
import io.tartan.query.server.SearchServer;
import io.tartan.query.server.ServerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tartan serve}: the HTTP JSON API over an index, reloading newer snapshots as they are committed. Text
 * queries go through the encoder the index's manifest records (see {@link IndexQueryEncoders}). With
 * {@code --partition i/n} it serves one partition of the index; with {@code --route} it is a router over partition
 * servers ({@link PartitionRouter}) and opens no index.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve a Tartan index over HTTP.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--index", description = "index URI (local path, file:, s3a:); or --route")
    String index;

    @Option(names = "--partition", converter = PartitionOption.class,
            description = "serve only partition i of n of the index (i/n, 0 <= i < n), for a router (--route)")
    Partition partition;

    @Option(names = "--route", split = ",", description = "serve as a router over these partition servers "
            + "(http://host:port, one per partition, comma-separated) instead of an index")
    List<URI> route;

    @Option(names = "--partition-timeout-ms", defaultValue = "" + RouterSettings.DEFAULT_PARTITION_TIMEOUT_MS,
            description = "router: a partition not answering within this is left out (partial result) (default ${DEFAULT-VALUE})")
    long partitionTimeoutMs;

    @Option(names = "--partition-auth-token-file", description = "router: file holding the bearer token sent to the partitions")
    Path partitionAuthTokenFile;

    @Option(names = "--require-complete", description = "router: answer 503 instead of a partial result when a partition fails")
    boolean requireComplete;

    @Option(names = "--port", required = true, description = "TCP port (0 picks a free one)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind (default 127.0.0.1); 0.0.0.0 exposes the API to the network: use --auth-token-file")
    String host;

    @Option(names = "--auth-token-file", description = "file holding a bearer token that every endpoint but /health requires")
    Path authTokenFile;

    @Option(names = "--threads", description = "search worker threads (default: available processors)")
    Integer threads;

    @Option(names = "--queue", defaultValue = "" + ServerSettings.DEFAULT_QUEUE,
            description = "requests waiting for a search thread; more wait up to --queue-wait-ms (default ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--queue-wait-ms", defaultValue = "" + ServerSettings.DEFAULT_QUEUE_WAIT_MS,
            description = "a request finding the threads busy and the queue full waits this long for a place, in arrival "
                    + "order, then gets 503 + Retry-After; 0 = 503 at once (default ${DEFAULT-VALUE})")
    long queueWaitMs;

    @Option(names = "--max-connections", defaultValue = "" + ServerSettings.DEFAULT_MAX_CONNECTIONS,
            description = "open connections; more wait in the accept backlog (default ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--idle-timeout-ms", defaultValue = "" + ServerSettings.DEFAULT_IDLE_TIMEOUT_MS,
            description = "close a connection silent this long; a stalled body gets 408 (default ${DEFAULT-VALUE})")
    long idleTimeoutMs;

    @Option(names = "--min-request-bytes-per-sec", defaultValue = "" + ServerSettings.DEFAULT_MIN_REQUEST_BYTES_PER_SEC,
            description = "bodies arriving slower get 408 (slow clients); 0 = no check (default ${DEFAULT-VALUE})")
    long minRequestRate;

    @Option(names = "--body-timeout-ms", defaultValue = "" + ServerSettings.DEFAULT_BODY_TIMEOUT_MS,
            description = "a request body must arrive within this, else 408 (default ${DEFAULT-VALUE})")
    long bodyTimeoutMs;

    @Option(names = "--shutdown-grace-ms", defaultValue = "" + ServerSettings.DEFAULT_SHUTDOWN_GRACE_MS,
            description = "on stop, requests in flight get this long to finish (default ${DEFAULT-VALUE})")
    long shutdownGraceMs;

    @Option(names = "--retry-after-seconds", defaultValue = "" + ServerSettings.DEFAULT_RETRY_AFTER_SECONDS,
            description = "Retry-After of a 503 (default ${DEFAULT-VALUE})")
    int retryAfterSeconds;

    @Option(names = "--max-body-bytes", defaultValue = "" + RequestLimits.DEFAULT_MAX_BODY_BYTES,
            description = "larger request bodies get 413 (default ${DEFAULT-VALUE}, 1 MiB)")
    int maxBody;

    @Option(names = "--max-query-tokens", defaultValue = "0",
            description = "query token vectors per request; 0 = 4 x max(the index's query_maxlen, 32) (default 0)")
    int maxQueryTokens;

    @Option(names = "--max-k", defaultValue = "" + RequestLimits.DEFAULT_MAX_K, description = "largest k (default ${DEFAULT-VALUE})")
    int maxK;

    @Option(names = "--max-ndocs", defaultValue = "" + RequestLimits.DEFAULT_MAX_NDOCS,
            description = "largest params.ndocs; values up to it are clamped to the index's document count (default ${DEFAULT-VALUE})")
    int maxNdocs;

    @Option(names = "--max-ncells", defaultValue = "" + RequestLimits.DEFAULT_MAX_NCELLS,
            description = "largest params.ncells (default ${DEFAULT-VALUE})")
    int maxNcells;

    @Option(names = "--max-rerank-docs", defaultValue = "" + RequestLimits.DEFAULT_MAX_RERANK_DOCS,
            description = "most doc_ids in one /rerank request (default ${DEFAULT-VALUE})")
    int maxRerankDocs;

    @Option(names = "--poll-seconds", defaultValue = "10", description = "check for a newer snapshot this often; 0 = never")
    double pollSeconds;

    @Option(names = "--no-text", description = "load no model: accept query vectors only")
    boolean noText;

    @Mixin
    SearchOptions search;

    @Mixin
    IndexAccess access;

    public static void main(String[] args) {
        System.exit(Cli.execute("serve", new ServeCommand(), args));
    }

    /**
     * A started server and the index (or router) it serves, the other null; closing stops the server gracefully,
     * then closes what it served.
     */
    public record Running(TartanIndex index, PartitionRouter router, SearchServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            if (index != null) {
                index.close();
            }
            if (router != null) {
                router.close();
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        Running r = start();
        System.out.println("listening on http://" + host + ":" + r.server().port() + "/");
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            r.close();
            done.countDown();
        }, "tartan-serve-shutdown"));
        done.await();
        return 0;
    }

    /** Opens the index and its encoder and starts the server (what {@link #call} does before it waits). */
    public Running start() throws IOException {
        if ((index == null) == (route == null)) {
            throw new IllegalArgumentException("give --index (serve an index or, with --partition, one partition of it) "
                    + "or --route (a router over partition servers), not " + (index == null ? "neither" : "both"));
        }
        ServerSettings settings = settings();
        warnIfExposed(settings);
        if (route != null) {
            return startRouter(settings);
        }
        OpenOptions opts = access.openOptions(null);
        if (partition != null) {
            opts = opts.withPartition(partition.index(), partition.count());
        }
        TartanIndex idx = TartanIndex.open(index, opts);
        try {
            useEncoder(idx);
            if (pollSeconds > 0) {
                idx.startPolling(pollSeconds);
            }
            return new Running(idx, null, new SearchServer(idx, settings).start());
        } catch (RuntimeException | Error e) {
            idx.close();
            throw e;
        }
    }

    private void warnIfExposed(ServerSettings settings) throws IOException {
        if (settings.authToken() == null && !InetAddress.getByName(host).isLoopbackAddress()) {
            System.err.println("tartan serve: WARNING: --host " + host + " exposes an unauthenticated API to the "
                    + "network; pass --auth-token-file to require a bearer token");
        }
    }

    private Running startRouter(ServerSettings settings) throws IOException {
        if (partition != null) {
            throw new IllegalArgumentException("--partition is for a partition server; a router (--route) serves all partitions");
        }
        RouterSettings rs = new RouterSettings(route, partitionTimeoutMs, token(partitionAuthTokenFile, "--partition-auth-token-file"),
                requireComplete);
        PartitionRouter router = new PartitionRouter(rs);
        try {
            // partitions may come up after the router: say what is wrong now, and per request later
            for (String problem : router.check()) {
                System.err.println("tartan serve: WARNING: partition " + problem);
            }
            return new Running(null, router, new SearchServer(router, settings).start());
        } catch (RuntimeException | Error e) {
            router.close();
            throw e;
        }
    }

    private void useEncoder(TartanIndex idx) {
        if (noText) {
            idx.withoutEncoder("text queries are off (tartan serve --no-text): send query vectors, or restart without "
                    + "--no-text (and with --model-config if the index's model is not bundled)");
            return;
        }
        IndexSettings s = idx.snapshot().manifest().settings();
        ModelQueryEncoder e = IndexQueryEncoders.open(s, access.modelConfig);
        if (e == null) {
            String why = IndexQueryEncoders.whyNone(s);
            idx.withoutEncoder(why);
            System.err.println("tartan serve: vectors only: " + why);
        } else {
            idx.withEncoder(e);
        }
    }

    ServerSettings settings() throws IOException {
        RequestLimits limits = new RequestLimits(maxBody, maxQueryTokens, maxK, maxNdocs, maxNcells, maxRerankDocs);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        return new ServerSettings(host, port, n, queue, queueWaitMs, maxConnections, idleTimeoutMs, minRequestRate, bodyTimeoutMs,
                shutdownGraceMs, retryAfterSeconds, token(authTokenFile, "--auth-token-file"), limits, search.params());
    }

    private static String token(Path file, String flag) throws IOException {
        if (file == null) {
            return null;
        }
        String t = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(flag + " " + file + " is empty");
        }
        return t;
    }
}
