package io.tartan.query.text;

import io.tartan.format.IndexFormatException;
import io.tartan.format.bm25.TextAnalysis;
import io.tartan.format.bm25.TextIndexDoc;
import io.tartan.format.bm25.TextIndexFile;
import io.tartan.format.bm25.TextIndexSchema;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.query.load.FileSource;
import io.tartan.query.segment.ShardSegment;
import io.tartan.query.segment.ShardSlice;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The text indexes of the shards a snapshot serves (FORMAT.md section 11), opened as one {@link MultiReader}, so
 * BM25's document frequencies and average length are those of the whole index, not of a shard. Lucene documents
 * map to snapshot rows through their stored pids; documents outside the served slices map to no row. The shards'
 * readers come from a {@link TextIndexCache}, so a reload reopens only the text indexes of shards it has not seen.
 *
 * <p>Each holds a reference to its shard readers until {@link #close} or, without it, until its MultiReader becomes
 * unreachable (no query and no snapshot holds it any more): then a {@link Cleaner} gives the references up, and the
 * readers the cache dropped meanwhile close.
 */
public final class TextIndexes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TextIndexes.class);
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "tartan-text-index-release");
        t.setDaemon(true);
        return t;
    });
    private final Cleaner.Cleanable release;
    private final boolean text;
    private final TextAnalysis analysis;
    private final MultiReader reader;
    private final IndexSearcher searcher;
    private final int[] rowOfDoc;
    private final int[] docOfRow;
    private final List<IndexReader> counted;

    private TextIndexes(boolean text, TextAnalysis analysis, MultiReader reader, IndexReader[] shards, int[] rowOfDoc,
            int[] docOfRow, List<IndexReader> counted) {
        this.text = text;
        this.analysis = analysis;
        this.reader = reader;
        // registered on the MultiReader, which every search over these readers reaches (its IndexSearcher does); the
        // action holds the shard readers only
        this.release = CLEANER.register(reader, new Release(shards));
        this.searcher = new IndexSearcher(reader);
        this.searcher.setSimilarity(TextIndexSchema.similarity());
        this.rowOfDoc = rowOfDoc;
        this.docOfRow = docOfRow;
        this.counted = counted;
    }

    /**
     * Opens the text index of every served shard, reusing those {@code cache} holds; null when the snapshot has none
     * (format 1.0 indexes).
     */
    public static TextIndexes open(Manifest m, List<ShardSlice> slices, int numRows, FileSource source,
            TextIndexCache cache) {
        if (!m.settings().hasTextIndexes()) {
            return null;
        }
        Map<String, DataFile> byShard = m.textIndexByShard();
        IndexReader[] readers = new IndexReader[slices.size()];
        long[][] pids = new long[slices.size()][];
        int maxDoc = 0;
        try {
            for (int i = 0; i < slices.size(); i++) {
                ShardSegment seg = slices.get(i).segment();
                DataFile f = byShard.get(seg.shardPath());
                if (f == null) {
                    throw new IndexFormatException("manifest v" + m.version() + ": shard " + seg.shardPath()
                            + " has no text index");
                }
                TextIndexCache.Entry e = cache.acquire(f, source);
                readers[i] = e.reader();
                pids[i] = e.pids();
                maxDoc += e.reader().maxDoc();
            }
            // a shard cut by partition boundaries is opened by each of its partitions but counted by the one serving
            // its first row, so the partitions' BM25 statistics sum to the whole index's (Bm25Statistics)
            List<IndexReader> counted = new ArrayList<>();
            for (int i = 0; i < slices.size(); i++) {
                if (slices.get(i).from() == 0) {
                    counted.add(readers[i]);
                }
            }
            int[] rowOfDoc = new int[maxDoc];
            int[] docOfRow = new int[numRows];
            Arrays.fill(docOfRow, -1);
            int docBase = 0;
            for (int i = 0; i < slices.size(); i++) {
                ShardSlice sl = slices.get(i);
                for (int d = 0; d < pids[i].length; d++) {
                    int local = sl.segment().rowOfPid(pids[i][d]);
                    int row = local >= sl.from() && local < sl.to() ? sl.base() + local - sl.from() : -1;
                    rowOfDoc[docBase + d] = row;
                    if (row >= 0) {
                        docOfRow[row] = docBase + d;
                    }
                }
                docBase += pids[i].length;
            }
            // takes a reference of its own to each shard reader (shared with the cache and other snapshots), given
            // up by Release, never by closing the MultiReader
            return new TextIndexes(m.settings().hasText(), m.settings().textAnalysisOrDefault(), new MultiReader(readers, false), readers, rowOfDoc,
                    docOfRow, List.copyOf(counted));
        } catch (IOException e) {
            throw new UncheckedIOException("text indexes of v" + m.version() + ": " + e.getMessage(), e);
        } finally {
            // the references acquire() handed out kept the readers open until the MultiReader took its own
            new Release(readers).run();
        }
    }

    /** Whether the indexes hold document text (false: metadata only, the input had precomputed vectors). */
    public boolean hasText() {
        return text;
    }

    /** The analysis the index's text was built with (settings {@code text-analysis}); queries MUST use it too. */
    public TextAnalysis analysis() {
        return analysis;
    }

    /** A searcher over all shards with BM25(k1 0.9, b 0.4), scoring with their own statistics. */
    public IndexSearcher searcher() {
        return searcher;
    }

    /**
     * The shard readers whose statistics this snapshot contributes to the whole index's: those of the shards whose
     * first row it serves (all of them when it serves the whole index).
     */
    List<IndexReader> countedShards() {
        return counted;
    }

    /** Snapshot row of a global Lucene doc id, or -1 (a document outside the served partition). */
    public int rowOf(int doc) {
        return rowOfDoc[doc];
    }

    /** The stored text and metadata of a snapshot row, or null if the row has no text index document. */
    public TextIndexDoc document(int row) {
        int doc = row < docOfRow.length ? docOfRow[row] : -1;
        if (doc < 0) {
            return null;
        }
        try {
            StoredFields stored = reader.storedFields();
            return TextIndexFile.document(stored, doc, -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives up this snapshot's references to the shard readers now (once; later calls do nothing): a query still
     * running on them fails, so call it only when none can be.
     */
    @Override
    public void close() {
        release.clean();
    }

    /** Gives up one reference to a shard reader; one that cannot close is logged, not thrown (nothing is lost). */
    static void decRef(IndexReader r) {
        try {
            r.decRef();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing a text index reader failed: {}", e.toString());
        }
    }

    /** This snapshot's references to its shard readers (null entries: not acquired). */
    private record Release(IndexReader[] shards) implements Runnable {
        @Override
        public void run() {
            for (IndexReader r : shards) {
                if (r != null) {
                    decRef(r);
                }
            }
        }
    }
}
