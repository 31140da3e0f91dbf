package io.tartan.query.text;

import io.tartan.format.bm25.TextIndexFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.query.load.FileSource;
import org.apache.lucene.index.DirectoryReader;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The open text indexes of an index's shards, keyed like serving segments by file, checksum and size: a text index
 * file is immutable, so a reload whose snapshot still lists it reuses the open reader (and its pid column) instead
 * of reading and opening it again, as {@link io.tartan.query.segment.SegmentCache} does for the vector segments.
 *
 * <p>Readers are reference counted (Lucene's {@code incRef}/{@code decRef}): the cache holds one reference to each,
 * and each snapshot's {@link TextIndexes} one to each reader it uses. {@link #retain} gives up the cache's reference to
 * the readers a newer snapshot no longer lists, and {@link #close} (the index closed) to all of them; a reader closes
 * when the last of these goes, so an older snapshot still answering a query keeps its readers open until it is
 * released.
 */
public final class TextIndexCache implements AutoCloseable {

    /** One shard's open text index and the pid of each of its Lucene documents. */
    record Entry(DirectoryReader reader, long[] pids) {
    }

    private final ConcurrentHashMap<String, Entry> open = new ConcurrentHashMap<>();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean closed;

    /**
     * The open text index of {@code f}, opened if the cache has none, with a reference taken for the caller, who must
     * {@code decRef} the reader when done. Taken under the map's lock, so {@link #retain} cannot close it in between.
     *
     * @throws IllegalStateException if the cache is closed
     */
    Entry acquire(DataFile f, FileSource source) {
        Entry[] out = new Entry[1];
        open.compute(key(f), (k, e) -> {
            if (closed) {
                throw new IllegalStateException("the index is closed: cannot open the text index " + f.path());
            }
            if (e == null) {
                DirectoryReader r = TextIndexFile.open(source.read(f), f.path());
                opened.incrementAndGet();
                e = new Entry(r, TextIndexFile.pids(r, f.path()));
            }
            e.reader().incRef();
            out[0] = e;
            return e;
        });
        return out[0];
    }

    /**
     * Keeps only the text indexes among {@code files} (those of the snapshot loaded last); the others close as soon
     * as no snapshot's {@link TextIndexes} uses them.
     */
    public void retain(Collection<DataFile> files) {
        Set<String> keep = files.stream().map(TextIndexCache::key).collect(Collectors.toSet());
        for (String k : List.copyOf(open.keySet())) {
            if (!keep.contains(k)) {
                open.computeIfPresent(k, (key, e) -> release(e));
            }
        }
    }

    /** Gives up every reader: each closes now, or when the last snapshot text indexes using it are released. */
    @Override
    public void close() {
        closed = true;
        for (String k : List.copyOf(open.keySet())) {
            open.computeIfPresent(k, (key, e) -> release(e));
        }
    }

    private static Entry release(Entry e) {
        TextIndexes.decRef(e.reader());
        return null;
    }

    /** Text index files read and opened since this cache was created. */
    public int opened() {
        return opened.get();
    }

    /** Text indexes held open now. */
    public int size() {
        return open.size();
    }

    private static String key(DataFile f) {
        return f.path() + "|" + f.checksum() + "|" + f.sizeBytes();
    }
}
