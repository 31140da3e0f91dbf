package io.tartan.jobs.update;

import io.tartan.format.IndexLayout;
import io.tartan.format.io.Checksums;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.manifest.Summary;
import io.tartan.format.shard.ShardSpec;
import io.tartan.jobs.BuildSummary;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.IndexJobException;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.maintenance.CompactionPlan;
import io.tartan.jobs.maintenance.IvfRewrite;
import io.tartan.jobs.maintenance.ShardRewrite;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A full rebuild that readers of the index pick up like any other snapshot: {@link IndexJob} builds the whole corpus
 * (new centroids and buckets) into a staging folder {@code <index>/_rebuild/<uuid>/}, then the result is imported as
 * the next version of the index, operation {@code build}: shards copied with every pid moved above the index's
 * {@code next-pid} (pids are never reused), the IVF shifted the same way, the codec copied. The staging folder is
 * removed afterwards. The settings (dim, nbits, k, lengths, encoder, pool factor) are those of the index, as
 * FORMAT.md requires of every snapshot.
 */
public final class RebuildInPlace {
    private static final Logger LOG = LoggerFactory.getLogger(RebuildInPlace.class);
    public static final String STAGING_DIR = "_rebuild";

    private RebuildInPlace() {
    }

    /** The committed build snapshot and the build's own summary. */
    public record Result(Manifest committed, BuildSummary build) {
    }

    /**
     * @param buildSettings IndexJob settings (input = the corpus); output, nbits, ncentroids, lengths, pool_factor
     *                      and text_analysis are set here
     * @param properties    recorded in the new manifest (batch id, drift figures)
     */
    public static Result run(JavaSparkContext sc, ManifestStore store, Manifest base, Map<String, String> buildSettings,
            Map<String, String> properties) {
        Configuration conf = sc.hadoopConfiguration();
        IndexLayout layout = store.layout();
        IndexSettings s = base.settings();
        Path stagingParent = layout.resolve(STAGING_DIR);
        Path staging = new Path(stagingParent, UUID.randomUUID().toString());
        try {
            // a folder left by a rebuild that died is garbage: no snapshot ever references _rebuild/
            delete(conf, stagingParent);
            Map<String, String> c = new HashMap<>(buildSettings);
            c.put("output", staging.toString());
            c.put("nbits", Integer.toString(s.nbits()));
            c.put("ncentroids", Integer.toString(s.numCentroids()));
            c.put("doc_maxlen", Integer.toString(s.docMaxlen()));
            c.put("query_maxlen", Integer.toString(s.queryMaxlen()));
            c.put("pool_factor", Integer.toString(s.poolFactorOrOne()));
            c.put("text_analysis", s.textAnalysisOrDefault().id());
            BuildSummary built = IndexJob.run(sc, IndexConfig.fromMap(c));
            Manifest staged = new ManifestStore(conf, new IndexLayout(staging)).readLatest();
            requireSameSettings(s, staged.settings());
            Manifest m = importAsNextVersion(sc, store, base, new IndexLayout(staging), staged, properties);
            return new Result(m, built);
        } finally {
            delete(conf, staging);
        }
    }

    private static void requireSameSettings(IndexSettings index, IndexSettings rebuilt) {
        if (index.dim() != rebuilt.dim() || index.nbits() != rebuilt.nbits()
                || index.numCentroids() != rebuilt.numCentroids() || !index.encoderId().equals(rebuilt.encoderId())) {
            throw new IndexJobException("the rebuild gave dim " + rebuilt.dim() + ", nbits " + rebuilt.nbits() + ", k "
                    + rebuilt.numCentroids() + ", encoder " + rebuilt.encoderId() + " but the index has dim "
                    + index.dim() + ", nbits " + index.nbits() + ", k " + index.numCentroids() + ", encoder "
                    + index.encoderId() + " (a corpus too small for k centroids?); nothing committed");
        }
    }

    static Manifest importAsNextVersion(JavaSparkContext sc, ManifestStore store, Manifest base, IndexLayout staging,
            Manifest staged, Map<String, String> properties) {
        Configuration conf = sc.hadoopConfiguration();
        IndexLayout layout = store.layout();
        long offset = base.summary().nextPid();
        if (offset + staged.summary().nextPid() > Integer.MAX_VALUE) {
            throw new IndexJobException("pids would pass 2^31 (next-pid " + offset + " + " + staged.summary().nextPid()
                    + "); nothing committed");
        }
        List<CompactionPlan.Group> groups = new ArrayList<>();
        for (DataFile shard : staged.shards()) {
            groups.add(new CompactionPlan.Group(groups.size(), List.of(shard), 0));
        }
        ShardRewrite copy = new ShardRewrite(staging.root().toString(), layout.root().toString(), new HadoopConf(conf),
                ShardSpec.of(staged.settings()), null, offset, "rebuild", staged);
        List<DataFile> written = groups.isEmpty() ? List.of()
                : sc.parallelize(groups, groups.size()).flatMap(g -> copy.apply(g).iterator()).collect();
        List<DataFile> shards = written.stream().filter(f -> DataFile.SHARD.equals(f.content())).toList();
        List<DataFile> text = written.stream().filter(f -> DataFile.TEXT_INDEX.equals(f.content())).toList();

        Ivf ivf = IvfRewrite.shifted(IvfRewrite.live(conf, staging, staged, new int[0]), (int) offset);
        DataFile ivfFile = writeNew(conf, layout, IndexLayout.newIvfPath(), DataFile.IVF, IvfFile.write(ivf),
                ivf.numCentroids(), ivf.numEntries());
        DataFile sc0 = staged.codec();
        byte[] codecBytes = IndexFiles.readVerified(conf, staging.resolve(sc0.path()), sc0.sizeBytes(), sc0.checksum());
        DataFile codecFile = writeNew(conf, layout, IndexLayout.newCodecPath(), DataFile.CODEC, codecBytes, 0, 0);

        long stored = shards.stream().mapToLong(DataFile::recordCount).sum();
        long tokens = shards.stream().mapToLong(DataFile::tokenCount).sum();
        long bytes = codecFile.sizeBytes() + ivfFile.sizeBytes() + shards.stream().mapToLong(DataFile::sizeBytes).sum()
                + text.stream().mapToLong(DataFile::sizeBytes).sum();
        Map<String, String> props = new HashMap<>(staged.properties());
        props.putAll(properties);
        props.put("rebuild-of-version", Long.toString(base.version()));
        props.put("rebuild-pid-offset", Long.toString(offset));
        Manifest m = Manifest.create(base.version() + 1, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
                base.snapshotId(), System.currentTimeMillis(), Manifest.OP_BUILD, staged.settings(), codecFile, shards,
                List.of(ivfFile), List.of(), text, new Summary(stored, stored, 0, tokens, bytes,
                        offset + staged.summary().nextPid()), props);
        store.commit(m);
        LOG.info("rebuilt index committed as version {}: {} documents, pids from {}", m.version(), stored, offset);
        return m;
    }

    private static DataFile writeNew(Configuration conf, IndexLayout layout, String rel, String content, byte[] bytes,
            long records, long tokens) {
        IndexFiles.writeNew(conf, layout.resolve(rel), bytes);
        return DataFile.of(rel, content, bytes.length, records, tokens, Checksums.crc32c(bytes));
    }

    private static void delete(Configuration conf, Path dir) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
