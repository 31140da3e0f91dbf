package io.tartan.jobs.maintenance;

import io.tartan.format.IndexLayout;
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

    /**
     * @param deleted   sorted pids to leave out (null: none)
     * @param pidOffset added to every pid written
     * @param prefix    file name prefix of the new shards ({@code compact}, {@code rebuild})
     */
    public ShardRewrite(String sourceRoot, String targetRoot, HadoopConf conf, ShardSpec spec, Broadcast<int[]> deleted,
            long pidOffset, String prefix) {
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
    }

    /** Compaction inside one index: deleted pids dropped, pids kept. */
    public static ShardRewrite compaction(String root, HadoopConf conf, ShardSpec spec, Broadcast<int[]> deleted) {
        return new ShardRewrite(root, root, conf, spec, deleted, 0, "compact");
    }

    /** Writes the group's rows: the new shard, or none when every row of the group was deleted. */
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
            return out[0] == null ? List.of() : List.of(out[0].finish());
        } finally {
            if (out[0] != null) {
                out[0].close();
            }
        }
    }
}
