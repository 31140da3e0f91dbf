package io.tartan.jobs.maintenance;

import io.tartan.format.IndexLayout;
import io.tartan.format.TestVectors;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.snapshot.SnapshotTransaction;
import io.tartan.format.testing.SampleIndex;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A real index written by {@link SampleIndex} (pid {@code i} is {@code doc-i}), the queries the tests search it with,
 * and the small operations the tests perform on it.
 */
public final class IndexFixture {
    public final Path dir;
    public final String uri;
    public final Configuration conf = new Configuration();
    public final ManifestStore store;
    public final List<float[]> queries = new ArrayList<>();

    private IndexFixture(Path dir) {
        this.dir = dir;
        this.uri = dir.toUri().toString();
        this.store = new ManifestStore(conf, new IndexLayout(uri));
    }

    /** {@code docs} documents in shards of {@code docsPerShard}, and 12 queries of 8 tokens near the centroids. */
    public static IndexFixture build(Path dir, int docs, int docsPerShard) {
        IndexFixture f = new IndexFixture(dir);
        SampleIndex.write(f.conf, new IndexLayout(f.uri), 5, docs, docsPerShard);
        try (TartanIndex idx = TartanIndex.open(f.uri)) {
            float[] centroids = idx.snapshot().codec().centroids();
            Random rnd = new Random(17);
            for (int q = 0; q < 12; q++) {
                f.queries.add(TestVectors.clustered(rnd, centroids, SampleIndex.DIM, 8, 0.4f, null));
            }
        }
        return f;
    }

    /** Commits a deletion of the given pids on top of the latest snapshot. */
    public Manifest delete(int... pids) {
        return SnapshotTransaction.on(conf, store, store.readLatest(), Manifest.OP_DELETE).deletePids(pids).commit();
    }

    /** PLAID (default parameters) and exact results of every query, for exact comparison between snapshots. */
    public List<SearchResult> results(TartanIndex idx) {
        List<SearchResult> out = new ArrayList<>();
        for (float[] q : queries) {
            out.add(idx.search(q, 10, SearchParams.defaults()));
            out.add(idx.searchExact(q, 10));
        }
        return out;
    }

    /** Results of the snapshot of {@code version}, loaded fresh. */
    public List<SearchResult> resultsAt(long version) {
        try (TartanIndex idx = TartanIndex.open(uri, io.tartan.query.OpenOptions.defaults().withVersion(version))) {
            return results(idx);
        }
    }

    /** Hits only (the snapshot version a result came from differs between equal snapshots). */
    public static List<?> hits(List<SearchResult> results) {
        return results.stream().map(SearchResult::hits).toList();
    }

    /** Relative paths of every file under the data directories. */
    public Set<String> dataFiles() {
        Set<String> out = new TreeSet<>();
        for (String d : List.of(IndexLayout.DATA_DIR, IndexLayout.IVF_DIR, IndexLayout.CODEC_DIR, IndexLayout.DELETES_DIR)) {
            Path p = dir.resolve(d);
            if (!Files.isDirectory(p)) {
                continue;
            }
            try (Stream<Path> s = Files.list(p)) {
                s.forEach(f -> out.add(d + "/" + f.getFileName()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** Relative paths of every file the remaining snapshots reference. */
    public Set<String> referencedFiles() {
        Set<String> out = new TreeSet<>();
        for (long v : store.versions()) {
            store.read(v).allFiles().stream().map(DataFile::path).forEach(out::add);
        }
        return out;
    }
}
