package io.tartan.format;

import io.tartan.format.bm25.TextIndexDoc;
import io.tartan.format.bm25.TextIndexWriter;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.ivf.IvfBuilder;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.shard.ShardWriter;
import org.apache.hadoop.conf.Configuration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a complete index (version 1) in one process from already-encoded documents and a trained codec: the
 * reference implementation of the write path that the Spark job distributes, and the way tests and small tools build
 * indexes. Documents get dense pids in the order they are added.
 */
public final class LocalIndexWriter implements AutoCloseable {
    private final Configuration conf;
    private final IndexLayout layout;
    private final IndexSettings settings;
    private final ResidualCodec codec;
    private final int docsPerShard;
    private final IvfBuilder ivf;
    private final List<DataFile> shards = new ArrayList<>();
    private final List<DataFile> textIndexes = new ArrayList<>();
    private ShardWriter current;
    private String currentPath;
    private TextIndexWriter currentText;
    private int inCurrent;
    private long nextPid;
    private boolean committed;

    public LocalIndexWriter(Configuration conf, IndexLayout layout, IndexSettings settings, ResidualCodec codec,
            int docsPerShard) {
        if (settings.dim() != codec.dim() || settings.nbits() != codec.nbits()
                || settings.numCentroids() != codec.numCentroids()) {
            throw new IllegalArgumentException("settings (dim " + settings.dim() + ", nbits " + settings.nbits()
                    + ", k " + settings.numCentroids() + ") do not match the codec (dim " + codec.dim() + ", nbits "
                    + codec.nbits() + ", k " + codec.numCentroids() + ")");
        }
        if (new ManifestStore(conf, layout).latestVersion().isPresent()) {
            throw new IllegalStateException(layout.root() + " already holds an index");
        }
        this.conf = conf;
        this.layout = layout;
        this.settings = settings;
        this.codec = codec;
        this.docsPerShard = Math.max(1, docsPerShard);
        this.ivf = new IvfBuilder(codec.numCentroids());
    }

    /**
     * Compresses and stores one document's token vectors ({@code [n × dim]}, L2-normalised).
     *
     * @return the pid assigned
     */
    public long add(String docId, float[] vectors, Map<String, String> metadata) {
        return add(docId, null, vectors, metadata);
    }

    /**
     * Stores one document with its text; the text goes to the shard's BM25 index when the settings have
     * {@code text-index = bm25} (it is required then) and is otherwise ignored.
     *
     * @return the pid assigned
     */
    public long add(String docId, String text, float[] vectors, Map<String, String> metadata) {
        if (settings.hasText() && (text == null || text.isBlank())) {
            throw new IllegalArgumentException("document '" + docId + "': the index has a BM25 text index, text is empty");
        }
        EmbeddingChecks.requireNonEmpty("document '" + docId + "'", vectors, settings.dim());
        ResidualCodec.Compressed c = codec.compress(vectors);
        long pid = nextPid;
        if (current == null) {
            currentPath = IndexLayout.newShardPath(String.format("part-%05d", shards.size()));
            current = ShardWriter.create(conf, layout, currentPath, ShardSpec.of(settings));
            currentText = settings.hasTextIndexes() ? new TextIndexWriter(settings.hasText(), settings.textAnalysisOrDefault()) : null;
        }
        current.write(ShardRow.of(pid, docId, c, settings.codeWidth(), metadata));
        if (currentText != null) {
            currentText.add(new TextIndexDoc(pid, docId, settings.hasText() ? text : null, metadata));
        }
        ivf.addDocument(Math.toIntExact(pid), c.codes());
        nextPid++;
        if (++inCurrent == docsPerShard) {
            rollShard();
        }
        return pid;
    }

    private void rollShard() {
        if (current != null) {
            shards.add(current.finish());
            current = null;
            if (currentText != null) {
                try (TextIndexWriter t = currentText) {
                    textIndexes.add(t.finish(conf, layout, IndexLayout.textIndexPath(currentPath)));
                }
                currentText = null;
            }
            inCurrent = 0;
        }
    }

    /** Writes codec and IVF, then commits manifest version 1. Nothing is visible to readers before this returns. */
    public Manifest commit(Map<String, String> properties) {
        rollShard();
        Manifest m = BuildCommit.commit(conf, layout, settings, codec, shards, textIndexes, ivf.build(),
                properties);
        committed = true;
        return m;
    }

    /** Closes an open shard without committing (its file stays an orphan for garbage collection). */
    @Override
    public void close() {
        if (!committed && current != null) {
            current.close();
            if (currentText != null) {
                currentText.close();
            }
        }
    }
}
