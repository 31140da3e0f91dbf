package io.tartan.query.cli;

import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.OpenOptions;
import io.tartan.query.TartanIndex;
import io.tartan.query.server.SearchServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tartan serve}: the HTTP JSON API over an index, reloading newer snapshots as they are committed. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve a Tartan index over HTTP.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, description = "index URI (local path, file:, s3a:)")
    String index;

    @Option(names = "--port", required = true, description = "TCP port (0 picks a free one)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default 127.0.0.1)")
    String host;

    @Option(names = "--threads", description = "search worker threads (default: available processors)")
    Integer threads;

    @Option(names = "--queue", defaultValue = "64", description = "requests waiting for a worker before 503 (default 64)")
    int queue;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "larger request bodies get 413 (default 1 MiB)")
    int maxBody;

    @Option(names = "--poll-seconds", defaultValue = "10", description = "check for a newer snapshot this often; 0 = never")
    double pollSeconds;

    @Option(names = "--model-config", description = "encoder model config for text queries (omit to accept vectors only)")
    String modelConfig;

    @Option(names = "--text", description = "accept text queries with the bundled model when no --model-config is given")
    boolean text;

    @Option(names = "--cache-dir", description = "local cache for remote index files")
    Path cacheDir;

    @Mixin
    SearchOptions search;

    @Mixin
    HadoopOptions hadoop;

    public static void main(String[] args) {
        System.exit(Cli.execute("serve", new ServeCommand(), args));
    }

    @Override
    public Integer call() throws Exception {
        OpenOptions opts = OpenOptions.defaults().withConf(hadoop.configuration());
        if (cacheDir != null) {
            opts = opts.withCacheDir(cacheDir, false);
        }
        TartanIndex idx = TartanIndex.open(index, opts);
        if (modelConfig != null || text) {
            idx.withEncoder(ModelQueryEncoder.open(modelConfig));
        }
        if (pollSeconds > 0) {
            idx.startPolling(pollSeconds);
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        SearchServer server = new SearchServer(idx, new InetSocketAddress(host, port), n, queue, maxBody, search.params()).start();
        System.out.println("listening on http://" + host + ":" + server.port() + "/");
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            idx.close();
            done.countDown();
        }));
        done.await();
        return 0;
    }
}
