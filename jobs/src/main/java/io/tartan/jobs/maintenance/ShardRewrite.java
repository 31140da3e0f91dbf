package io.tartan.jobs.maintenance;

import io.tartan.format.IndexLayout;
import io.tartan.format.bm25.TextIndexDoc;
import io.tartan.format.bm25.TextIndexFile;
import io.tartan.format.bm25.TextAnalysis;
import io.tartan.format.bm25.TextIndexWriter;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import org.apache.lucene.index.DirectoryReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.shard.ShardWriter;
import io.tartan.jobs.input.HadoopConf;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The task that writes one new shard from a group of existing ones, streaming them in pid order: leaving out deleted
 * pids (compaction), or moving pids up by a fixed offset (importing a rebuilt index, whose pids must not reuse any the
 * index ever handed out). Codes and residuals are copied as stored, so every document scores exactly as before.
 * Where the source shards have text indexes (FORMAT.md section 11), the new shard's text index is written from
 * theirs the same way (stored text and metadata copied, same rows left out, same pid shift), so BM25 and filters
 * see exactly the documents the new shard holds.
 */
public final class ShardRewrite implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String sourceRoot;
    private final String targetRoot;
    private final HadoopConf conf;
    private final int dim;
    private final int nbits;
    private final int codeWidth;
    private final int numCentroids;
    private final Broadcast<int[]> deleted;
    private final long pidOffset;
    private final String prefix;
    private final String textIndex;
    /** The source's analysis: rewritten text indexes keep it, so one index never mixes two (FORMAT.md 11). */
    private final TextAnalysis textAnalysis;
    private final Map<String, DataFile> textIndexes;

    /**
     * @param deleted   sorted pids to leave out (null: none)
     * @param pidOffset added to every pid written
     * @param prefix    file name prefix of the new shards ({@code compact}, {@code rebuild})
     */
    public ShardRewrite(String sourceRoot, String targetRoot, HadoopConf conf, ShardSpec spec, Broadcast<int[]> deleted,
            long pidOffset, String prefix, Manifest source) {
        this.sourceRoot = sourceRoot;
        this.targetRoot = targetRoot;
        this.conf = conf;
        this.dim = spec.dim();
        this.nbits = spec.nbits();
        this.codeWidth = spec.codeWidth();
        this.numCentroids = spec.numCentroids();
        this.deleted = deleted;
        this.pidOffset = pidOffset;
        this.prefix = prefix;
        this.textIndex = source.settings().textIndex();
        this.textAnalysis = source.settings().textAnalysisOrDefault();
        this.textIndexes = new HashMap<>(source.textIndexByShard());
    }

    /** Compaction inside one index: deleted pids dropped, pids kept. */
    public static ShardRewrite compaction(String root, HadoopConf conf, ShardSpec spec, Broadcast<int[]> deleted,
            Manifest base) {
        return new ShardRewrite(root, root, conf, spec, deleted, 0, "compact", base);
    }

    /**
     * Writes the group's rows: the new shard and its text index (when the source has them), or nothing when every
     * row of the group was deleted. Tell them apart by {@link DataFile#content()}.
     */
    public List<DataFile> apply(CompactionPlan.Group group) {
        IndexLayout source = new IndexLayout(sourceRoot);
        IndexLayout target = new IndexLayout(targetRoot);
        ShardSpec spec = new ShardSpec(dim, nbits, codeWidth, numCentroids);
        int[] del = deleted == null ? new int[0] : deleted.value();
        ShardWriter[] out = new ShardWriter[1];
        try {
            for (DataFile in : group.inputs()) {
                ShardReader.read(conf.get(), source, in, spec, row -> {
                    if (row.pid() <= Integer.MAX_VALUE && Arrays.binarySearch(del, (int) row.pid()) >= 0) {
                        return;
                    }
                    if (out[0] == null) {
                        out[0] = ShardWriter.create(conf.get(), target,
                                IndexLayout.newShardPath(String.format("%s-%05d", prefix, group.index())), spec);
                    }
                    out[0].write(pidOffset == 0 ? row : new ShardRow(row.pid() + pidOffset, row.docId(), row.doclen(),
                            row.codes(), row.residuals(), row.metadata()));
                });
            }
            if (out[0] == null) {
                return List.of();
            }
            DataFile shard = out[0].finish();
            return textIndex == null ? List.of(shard) : List.of(shard, rewriteText(group, source, target, del, shard));
        } finally {
            if (out[0] != null) {
                out[0].close();
            }
        }
    }

    private DataFile rewriteText(CompactionPlan.Group group, IndexLayout source, IndexLayout target, int[] del,
            DataFile shard) {
        try (TextIndexWriter w = new TextIndexWriter(IndexSettings.TEXT_BM25.equals(textIndex),
                textAnalysis)) {
            for (DataFile in : group.inputs()) {
                DataFile t = textIndexes.get(in.path());
                if (t == null) {
                    throw new IllegalStateException("shard " + in.path() + " has no text index in the manifest");
                }
                byte[] bytes = IndexFiles.readVerified(conf.get(), source.resolve(t.path()), t.sizeBytes(),
                        t.checksum());
                try (DirectoryReader r = TextIndexFile.open(bytes, t.path())) {
                    for (TextIndexDoc d : TextIndexFile.documents(r, t.path())) {
                        if (d.pid() <= Integer.MAX_VALUE && Arrays.binarySearch(del, (int) d.pid()) >= 0) {
                            continue;
                        }
                        w.add(pidOffset == 0 ? d : new TextIndexDoc(d.pid() + pidOffset, d.docId(), d.text(),
                                d.metadata()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(t.path() + ": " + e.getMessage(), e);
                }
            }
            if (w.count() != shard.recordCount()) {
                throw new IllegalStateException("rewritten text index holds " + w.count() + " documents, its shard "
                        + shard.path() + " " + shard.recordCount());
            }
            return w.finish(conf.get(), target, IndexLayout.textIndexPath(shard.path()));
        }
    }
}
