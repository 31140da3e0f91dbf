package io.tartan.query;

import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.Manifest;
import io.tartan.query.segment.SegmentHeader;
import io.tartan.query.segment.ShardSegment;
import io.tartan.query.segment.ShardSlice;
import io.tartan.query.text.AllowedRows;
import io.tartan.query.text.TextIndexes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One loaded, immutable snapshot of an index (or of one partition of it): the codec in the heap, and the documents
 * as {@link ShardSlice}s of memory-mapped shard segments (FORMAT.md "Serving cache"). Rows are the snapshot's
 * internal positions: the slices' rows back to back, in pid order, {@code 0 … numRows()-1}. Rows a deletion vector
 * removed keep their position but are never live ({@link #isLive}); nothing downstream returns them.
 *
 * <p>The Java heap holds the codec, a bitset of deleted rows per shard that has any, and O(1) per shard; token
 * data stay in the mapped files and are read per candidate document into per-query scratch.
 */
public final class IndexSnapshot {
    private final Manifest manifest;
    private final ResidualCodec codec;
    private final Partition partition;
    private final ShardSlice[] slices;
    private final int[] bases;
    private final int numRows;
    private final int numLive;
    private final long numTokens;
    private final int maxDoclen;
    private final long loadMillis;
    private final java.util.function.Supplier<TextIndexes> textLoader;
    private final io.tartan.query.segment.CentroidGroupingCache groupingCache;
    private volatile TextIndexes text;
    private volatile java.util.BitSet liveRows;
    private volatile io.tartan.query.search.CentroidGroups centroidGroups;
    private volatile PreparedCentroids preparedCentroids;

    /** The centroids as one kernels object prepared them: read and replaced as one, so the two always belong together. */
    private record PreparedCentroids(io.tartan.format.kernel.LateInteractionKernels kernels,
            io.tartan.format.kernel.CentroidBlocks blocks) {
    }

    IndexSnapshot(Manifest manifest, ResidualCodec codec, Partition partition, List<ShardSlice> slices, long numTokens,
            long loadMillis, java.util.function.Supplier<TextIndexes> textLoader,
            io.tartan.query.segment.CentroidGroupingCache groupingCache) {
        this.textLoader = textLoader;
        this.groupingCache = groupingCache;
        this.manifest = manifest;
        this.codec = codec;
        this.partition = partition;
        this.slices = slices.toArray(ShardSlice[]::new);
        this.bases = new int[this.slices.length + 1];
        int live = 0;
        int maxLen = 0;
        for (int i = 0; i < this.slices.length; i++) {
            bases[i] = this.slices[i].base();
            live += this.slices[i].live();
            maxLen = Math.max(maxLen, this.slices[i].segment().maxDoclen());
        }
        this.numRows = this.slices.length == 0 ? 0 : bases[this.slices.length - 1] + this.slices[this.slices.length - 1].rows();
        bases[this.slices.length] = numRows;
        this.numLive = live;
        this.numTokens = numTokens;
        this.maxDoclen = maxLen;
        this.loadMillis = loadMillis;
    }

    /**
     * The coarse level over the centroids FAST search's {@code ngroups} uses, made on first use (k-means over the
     * centroids, or its result read from the cache directory; shared with other snapshots of the same codec).
     */
    public io.tartan.query.search.CentroidGroups centroidGroups() {
        io.tartan.query.search.CentroidGroups g = centroidGroups;
        if (g == null) {
            g = io.tartan.query.search.CentroidGroups.of(codec, groupingCache);
            centroidGroups = g;
        }
        return g;
    }

    /**
     * The centroid matrix as {@code kernels} prepared it for stage 1's {@code Q·Cᵀ} (for the Vector API kernels a
     * grouped copy: 8 MB more heap at 16,384 centroids of 128 dims), built on first use by the kernels that ask.
     */
    public io.tartan.format.kernel.CentroidBlocks centroidBlocks(io.tartan.format.kernel.LateInteractionKernels kernels) {
        PreparedCentroids p = preparedCentroids;
        if (p == null || p.kernels() != kernels) {
            synchronized (this) {
                p = preparedCentroids;
                if (p == null || p.kernels() != kernels) {
                    p = new PreparedCentroids(kernels,
                            kernels.prepareCentroids(codec.centroids(), codec.numCentroids(), codec.dim()));
                    preparedCentroids = p;
                }
            }
        }
        return p.blocks();
    }

    public Manifest manifest() {
        return manifest;
    }

    /** Manifest version this snapshot was loaded from. */
    public long version() {
        return manifest.version();
    }

    public ResidualCodec codec() {
        return codec;
    }

    /** The part of the index this snapshot serves. */
    public Partition partition() {
        return partition;
    }

    public int dim() {
        return codec.dim();
    }

    /** Live documents served. */
    public int numDocs() {
        return numLive;
    }

    /** Tokens of the live documents served. */
    public long numTokens() {
        return numTokens;
    }

    public int numCentroids() {
        return codec.numCentroids();
    }

    /** Centroid matrix {@code [numCentroids × dim]}. */
    public float[] centroids() {
        return codec.centroids();
    }

    public int residualBytesPerToken() {
        return codec.bytesPerToken();
    }

    /** Size of the row space: live rows plus deleted rows that keep their position. */
    public int numRows() {
        return numRows;
    }

    /** Longest document served, in tokens: the size of a per-document scratch buffer. */
    public int maxDoclen() {
        return maxDoclen;
    }

    public int numSlices() {
        return slices.length;
    }

    public ShardSlice slice(int i) {
        return slices[i];
    }

    /** Index of the slice holding {@code row}. */
    public int sliceOf(int row) {
        int lo = 0;
        int hi = slices.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (bases[mid] <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    public boolean isLive(int row) {
        ShardSlice s = slices[sliceOf(row)];
        return s.isLive(row - s.base() + s.from());
    }

    public long pid(int row) {
        ShardSlice s = slices[sliceOf(row)];
        return s.segment().pid(row - s.base() + s.from());
    }

    public String docId(int row) {
        ShardSlice s = slices[sliceOf(row)];
        return s.segment().docId(row - s.base() + s.from());
    }

    /** Row of a live document by its user id, or -1 (one dictionary search per shard served). */
    public int rowOf(String docId) {
        for (ShardSlice s : slices) {
            int local = s.segment().rowOfDocId(docId);
            if (local >= s.from() && local < s.to() && s.isLive(local)) {
                return s.base() + local - s.from();
            }
        }
        return -1;
    }

    /** The mapped segments of this snapshot, for a newer snapshot to reuse. */
    List<ShardSegment> segments() {
        return java.util.Arrays.stream(slices).map(ShardSlice::segment).toList();
    }

    /**
     * The shards' text indexes (BM25 and metadata, FORMAT.md section 11), opened on first use (a snapshot that never
     * serves a text mode or a filter never reads them).
     *
     * @throws IllegalStateException if the index has none (built before format 1.1)
     */
    public TextIndexes textIndexes() {
        TextIndexes t = text;
        if (t == null) {
            synchronized (this) {
                t = text;
                if (t == null) {
                    t = textLoader.get();
                    if (t == null) {
                        throw new IllegalArgumentException("this index has no text indexes (built before format 1.1): "
                                + "the bm25, rerank and hybrid modes and metadata filters need a rebuild");
                    }
                    text = t;
                }
            }
        }
        return t;
    }

    /**
     * Gives up the text index readers this snapshot opened, if any (its index is closing; a snapshot merely replaced
     * gives them up when it becomes unreachable).
     */
    void releaseTextIndexes() {
        TextIndexes t = text;
        if (t != null) {
            t.close();
        }
    }

    /** The live rows as a bitset (computed once per snapshot). */
    public java.util.BitSet liveRows() {
        java.util.BitSet l = liveRows;
        if (l == null) {
            l = AllowedRows.live(this);
            liveRows = l;
        }
        return l;
    }

    public long loadMillis() {
        return loadMillis;
    }

    /**
     * Bytes per structure: {@code heap_*} entries are Java heap, {@code mapped_*} the segment files mapped (whole
     * files, shared by every snapshot that uses them; the OS pages in what queries touch). {@code total} is the heap
     * total, as before the serving layout, so a monitor watching it sees what the JVM must hold.
     */
    public Map<String, Long> memory() {
        Map<String, Long> m = new LinkedHashMap<>();
        long k = codec.numCentroids();
        m.put("heap_centroids", 4L * codec.centroids().length);
        PreparedCentroids prepared = preparedCentroids;
        m.put("heap_centroid_blocks", prepared == null ? 0L : prepared.blocks().blockBytes());
        long bits = 0;
        for (ShardSlice s : slices) {
            bits += s.live() < s.rows() ? 8L * ((s.rows() + 63) / 64) : 0;
        }
        m.put("heap_deleted_rows", bits);
        long codes = 0;
        long residuals = 0;
        long norms = 0;
        long offsets = 0;
        long cells = 0;
        long ivf = 0;
        long ids = 0;
        long files = 0;
        for (ShardSegment seg : segments()) {
            SegmentHeader h = seg.header();
            codes += 4 * h.tokens();
            residuals += h.tokens() * h.bytesPerToken();
            norms += 4 * h.tokens();
            offsets += 8 * (h.rows() + 1) + 8 * h.rows();
            cells += 8 * (h.rows() + 1) + 4 * h.cells();
            ivf += 8 * (k + 1) + 4 * h.cells();
            ids += 8 * (h.rows() + 1) + 4 * h.rows() + h.idBytes();
            files += h.fileLength();
        }
        m.put("mapped_codes", codes);
        m.put("mapped_residuals", residuals);
        m.put("mapped_inv_norms", norms);
        m.put("mapped_pids_doc_offsets", offsets);
        m.put("mapped_doc_cells", cells);
        m.put("mapped_ivf", ivf);
        m.put("mapped_doc_ids", ids);
        m.put("mapped_total", files);
        m.put("total", m.get("heap_centroids") + m.get("heap_centroid_blocks") + bits);
        return m;
    }
}
