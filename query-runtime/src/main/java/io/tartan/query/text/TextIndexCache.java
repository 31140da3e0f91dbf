package io.tartan.query.text;

import io.tartan.format.bm25.TextIndexFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.query.load.FileSource;
import org.apache.lucene.index.DirectoryReader;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The open text indexes of an index's shards, keyed like serving segments by file, checksum and size: a text index
 * file is immutable, so a reload whose snapshot still lists it reuses the open reader (and its pid column) instead
 * of reading and opening it again, as {@link io.tartan.query.segment.SegmentCache} does for the vector segments.
 *
 * <p>Readers a newer snapshot no longer lists are dropped from the cache by {@link #retain} but not closed: an
 * older snapshot may still be answering a query with them, and they hold heap only (no files), which the garbage
 * collector takes back with the last snapshot using them.
 */
public final class TextIndexCache {
    /** One shard's open text index and the pid of each of its Lucene documents. */
    record Entry(DirectoryReader reader, long[] pids) {
    }

    private final ConcurrentHashMap<String, Entry> open = new ConcurrentHashMap<>();
    private final AtomicInteger opened = new AtomicInteger();

    Entry get(DataFile f, FileSource source) {
        return open.computeIfAbsent(key(f), k -> {
            DirectoryReader r = TextIndexFile.open(source.read(f), f.path());
            opened.incrementAndGet();
            return new Entry(r, TextIndexFile.pids(r, f.path()));
        });
    }

    /** Keeps only the text indexes among {@code files} (those of the snapshot loaded last). */
    public void retain(Collection<DataFile> files) {
        Set<String> keep = files.stream().map(TextIndexCache::key).collect(Collectors.toSet());
        open.keySet().retainAll(keep);
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
