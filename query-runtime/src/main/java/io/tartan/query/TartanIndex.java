package io.tartan.query;

import io.tartan.format.IndexFormatException;
import io.tartan.query.load.FileSource;
import io.tartan.query.search.Searcher;
import io.tartan.query.segment.CentroidGroupingCache;
import io.tartan.query.segment.SegmentCache;
import io.tartan.query.storage.IndexStorage;
import io.tartan.query.storage.ManifestReader;
import io.tartan.query.storage.Storages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A searchable index: the loaded snapshot of a manifest version plus the search entry points. Thread-safe.
 *
 * <p>Hot reload: {@link #refresh()} (or a poller started with {@link #startPolling}) loads a newer manifest version
 * and swaps it in atomically. Every call reads the current snapshot once at its start, so queries in flight finish
 * on the snapshot they began with and none fail because of a swap.
 *
 * <pre>{@code
 * try (TartanIndex index = TartanIndex.open("s3a://bucket/my-index")) {
 *     SearchResult r = index.search(queryVectors, 10);
 * }
 * }</pre>
 */
public final class TartanIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TartanIndex.class);

    private final String uri;
    private final ManifestReader store;
    private final SnapshotReader reader;
    private final AtomicReference<IndexSnapshot> current = new AtomicReference<>();
    private final Searcher searcher = new Searcher();
    private final Object reloadLock = new Object();
    private volatile QueryEncoder encoder;
    private volatile String noEncoder = "no query encoder configured: send query vectors, or open the index's model ("
            + "--model-config)";
    private ScheduledExecutorService poller;

    private TartanIndex(String uri, ManifestReader store, SnapshotReader reader) {
        this.uri = uri;
        this.store = store;
        this.reader = reader;
    }

    /** Opens the latest snapshot of the index at {@code uri} (a local path or {@code file:} URI; {@code s3a:} and other
     * remote URIs with a {@link io.tartan.query.storage.StorageProvider} such as tartan-query-runtime-hadoop's). */
    public static TartanIndex open(String uri) {
        return open(uri, OpenOptions.defaults());
    }

    /**
     * Opens the index at {@code uri} as {@code options} say. The documents are served from memory-mapped serving
     * segments in {@code options.cacheDir()/segments} (FORMAT.md "Serving cache"), built from the shards on first use.
     */
    public static TartanIndex open(String uri, OpenOptions options) {
        IndexStorage storage = Storages.open(uri, options.storage());
        ManifestReader store = new ManifestReader(storage);
        FileSource source = new FileSource(storage, options.cacheDir(), options.forceCache());
        SegmentCache cache = new SegmentCache(options.segmentCacheDir(), options.mapChunkPower(), options.verifyCache());
        TartanIndex index = new TartanIndex(uri, store,
                new SnapshotReader(uri, source, cache, new CentroidGroupingCache(options.segmentCacheDir()),
                        options.partition(), options.threads()));
        long version = options.version() != null ? options.version()
                : store.latestVersion().orElseThrow(() -> new IndexFormatException(
                        uri + ": no index here (no metadata/v<N>.manifest.json)"));
        index.current.set(index.reader.read(store.read(version)));
        return index;
    }

    /** The snapshot queries run on now. */
    public IndexSnapshot snapshot() {
        return current.get();
    }

    public String uri() {
        return uri;
    }

    /** The partition this index serves ({@link Partition#WHOLE} unless opened with {@link OpenOptions#withPartition}). */
    public Partition partition() {
        return current.get().partition();
    }

    /** The local cache of serving segments this index maps. */
    public SegmentCache segmentCache() {
        return reader.cache();
    }

    /** The local cache of centroid groupings (FAST search's {@code ngroups}) this index reads or builds. */
    public CentroidGroupingCache centroidGroupingCache() {
        return reader.groupings();
    }

    /** The open text indexes (BM25, metadata) of the shards served, reused across reloads like the segments. */
    public io.tartan.query.text.TextIndexCache textIndexCache() {
        return reader.textCache();
    }

    /** Sets the encoder that {@link #search(String, int, SearchParams)} uses for text queries. */
    public TartanIndex withEncoder(QueryEncoder e) {
        if (e != null && e.dim() != snapshot().dim()) {
            throw new IllegalArgumentException("encoder " + e.encoderId() + " gives " + e.dim()
                    + "-dim vectors but the index has dim " + snapshot().dim());
        }
        this.encoder = e;
        return this;
    }

    /** Text queries will fail with {@code why} (a {@link MissingEncoderException}) until an encoder is set. */
    public TartanIndex withoutEncoder(String why) {
        this.noEncoder = why;
        this.encoder = null;
        return this;
    }

    /** Whether text queries can be encoded. */
    public boolean hasEncoder() {
        return encoder != null;
    }

    /** PLAID search with the fast defaults. {@code queryVectors} is {@code [nq × dim]} row-major. */
    public SearchResult search(float[] queryVectors, int k) {
        return search(queryVectors, k, SearchParams.defaults());
    }

    /** Searches with query vectors: the MaxSim modes (fast, plaid, exact), with the params' filter if any. */
    public SearchResult search(float[] queryVectors, int k, SearchParams params) {
        return ModeSearch.run(searcher, current.get(), null, () -> queryVectors, k, params, null);
    }

    /**
     * Searches with query text in any mode: BM25 reads the text, the MaxSim modes encode it with the configured
     * encoder (bm25 needs none).
     */
    public SearchResult search(String text, int k, SearchParams params) {
        return ModeSearch.run(searcher, current.get(), text, () -> encode(text), k, params, null);
    }

    /** Searches with both the text and its already encoded vectors (evaluation, clients that encode themselves). */
    public SearchResult search(String text, float[] queryVectors, int k, SearchParams params) {
        return search(text, queryVectors, k, params, null);
    }

    /**
     * Searches as {@link #search(String, float[], int, SearchParams)} does, the BM25 part scored with {@code stats}:
     * a partition given the whole index's statistics (the partitions' {@link #bm25Statistics} summed) scores every
     * document as one node serving the whole index does. Null: this snapshot's own statistics. The MaxSim modes
     * ignore them; {@code queryVectors} may be null when the mode needs none (bm25) or is encoded from the text.
     *
     * @throws IllegalArgumentException when the statistics are of another version or lack a query term
     */
    public SearchResult search(String text, float[] queryVectors, int k, SearchParams params,
            io.tartan.query.text.Bm25Statistics stats) {
        return ModeSearch.run(searcher, current.get(), text, queryVectors != null ? () -> queryVectors : () -> encode(text),
                k, params, stats);
    }

    /**
     * This snapshot's (partition's) {@link TextPool} for a rerank or hybrid search: the pools of every partition,
     * scored with the whole index's BM25 statistics and merged by {@link TextPool#merge}, give exactly the whole
     * index's {@link #search(String, float[], int, SearchParams)} result (hybrid with a filter: see TextPool).
     *
     * @param queryVectors the query's vectors; null to encode {@code text}
     * @throws IllegalArgumentException for another mode, or statistics of another version
     */
    public TextPool textPool(String text, float[] queryVectors, int k, SearchParams params,
            io.tartan.query.text.Bm25Statistics stats) {
        return ModeSearch.textPool(searcher, current.get(), text, queryVectors != null ? queryVectors : encode(text), k,
                params, stats);
    }

    /**
     * This snapshot's share of the BM25 statistics of {@code text}'s terms: over the shards whose first row it serves,
     * so the shares of all partitions of one version sum ({@link io.tartan.query.text.Bm25Statistics#sum}) to the
     * whole index's statistics.
     *
     * @throws IllegalArgumentException when the index has no text
     */
    public io.tartan.query.text.Bm25Statistics bm25Statistics(String text) {
        IndexSnapshot snap = current.get();
        if (!snap.manifest().settings().hasTextIndexes()) {
            throw new IllegalArgumentException("this index has no text indexes (format 1.0): no BM25 statistics");
        }
        return io.tartan.query.text.Bm25Search.statistics(snap.textIndexes(), snap.version(), text);
    }

    /**
     * The stored text and metadata of a hit, or null when the index has no text index or the document is not
     * served; {@code text} is null for an index built from precomputed vectors.
     */
    public io.tartan.format.bm25.TextIndexDoc document(SearchHit hit) {
        IndexSnapshot snap = current.get();
        if (!snap.manifest().settings().hasTextIndexes()) {
            return null;
        }
        int row = snap.rowOf(hit.docId());
        return row < 0 ? null : snap.textIndexes().document(row);
    }

    /**
     * Encodes query text.
     *
     * @throws MissingEncoderException if no encoder is configured
     * @throws IllegalArgumentException if the text is empty
     */
    public float[] encode(String text) {
        QueryEncoder e = encoder;
        if (e == null) {
            throw new MissingEncoderException(noEncoder);
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("query: text is empty");
        }
        return e.encodeQuery(text);
    }

    /** Searches several queries in parallel (common fork-join pool); results in input order. */
    public List<SearchResult> searchBatch(List<float[]> queries, int k, SearchParams params) {
        IndexSnapshot snap = current.get();
        return queries.parallelStream().map(q -> ModeSearch.run(searcher, snap, null, () -> q, k, params, null)).toList();
    }

    /**
     * This snapshot's (partition's) candidate pool for a PLAID or FAST search ({@link Searcher#candidatePool}): the
     * pools of every partition, merged by {@link io.tartan.query.search.CandidatePoolMerger}, give exactly the
     * whole index's {@link #search(float[], int, SearchParams)} result.
     *
     * @throws IllegalArgumentException for a mode other than fast or plaid, or with a filter
     */
    public io.tartan.query.search.CandidatePool candidatePool(float[] queryVectors, int k, SearchParams params) {
        SearchParams p = params == null ? SearchParams.defaults() : params;
        if (p.mode() != SearchParams.Mode.FAST && p.mode() != SearchParams.Mode.PLAID) {
            throw new IllegalArgumentException("candidate pools are for the fast and plaid modes, not "
                    + p.mode().label() + " (exact results of partitions merge as they are: SearchResult.merge)");
        }
        if (p.filter() != null) {
            throw new IllegalArgumentException("candidate pools take no filter: which stages a filtered search runs "
                    + "depends on counts over the whole index");
        }
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        return searcher.candidatePool(current.get(), queryVectors, k, p);
    }

    /** Exact MaxSim over every live document (decompressed index); slow, the reference for recall. */
    public SearchResult searchExact(float[] queryVectors, int k) {
        return searchExact(queryVectors, k, SearchParams.defaults());
    }

    /**
     * Exact MaxSim over every live document the params' filter allows: {@link #search(float[], int, SearchParams)}
     * in {@link SearchParams.Mode#EXACT}, so both entry points apply filters and check {@code k} alike.
     */
    public SearchResult searchExact(float[] queryVectors, int k, SearchParams params) {
        SearchParams p = params == null ? SearchParams.defaults() : params;
        return search(queryVectors, k, p.withMode(SearchParams.Mode.EXACT));
    }

    /** Exact MaxSim scores of the given documents, best first; unknown or deleted ids are left out. */
    public SearchResult rerank(float[] queryVectors, List<String> docIds) {
        return searcher.rerank(current.get(), queryVectors, docIds);
    }

    /**
     * Loads the newest committed version if it is newer than the current one and swaps it in. The new snapshot maps
     * only the shards the current one does not (shards are immutable), so a small update costs little memory; the
     * old snapshot's other mappings go when the last query using it ends (see {@link
     * io.tartan.query.segment.ChunkedMappedData}).
     *
     * @return true if a new snapshot was swapped in
     */
    public boolean refresh() {
        synchronized (reloadLock) {
            OptionalLong latest = store.latestVersion();
            IndexSnapshot old = current.get();
            if (latest.isEmpty() || latest.getAsLong() <= old.version()) {
                return false;
            }
            IndexSnapshot next = reader.read(store.read(latest.getAsLong()), old);
            current.set(next);
            LOG.info("swapped index {} from v{} to v{}", uri, old.version(), next.version());
            return true;
        }
    }

    /** Polls for a newer version every {@code seconds}; a failed reload is logged and the current snapshot kept. */
    public synchronized void startPolling(double seconds) {
        if (poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tartan-reload");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(10, (long) (seconds * 1000));
        poller.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                LOG.warn("reload of {} failed, still serving v{}: {}", uri, current.get().version(), e.getMessage());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
        QueryEncoder e = encoder;
        if (e != null) {
            e.close();
        }
        current.get().releaseTextIndexes();
        reader.textCache().close();
    }
}
