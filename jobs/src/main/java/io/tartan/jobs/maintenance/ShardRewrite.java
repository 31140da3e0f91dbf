package io.tartan.jobs.maintenance;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.shard.ShardWriter;
import io.tartan.jobs.input.HadoopConf;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The task of one compaction group: streams its input shards in pid order into one new shard, leaving out deleted
 * pids. Rows are copied as stored (codes and residuals untouched, same pids), so a search over the compacted snapshot
 * scores every document exactly as before.
 */
public final class ShardRewrite implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String root;
    private final HadoopConf conf;
    private final int dim;
    private final int nbits;
    private final int codeWidth;
    private final int numCentroids;
    private final Broadcast<int[]> deleted;

    public ShardRewrite(String root, HadoopConf conf, ShardSpec spec, Broadcast<int[]> deleted) {
        this.root = root;
        this.conf = conf;
        this.dim = spec.dim();
        this.nbits = spec.nbits();
        this.codeWidth = spec.codeWidth();
        this.numCentroids = spec.numCentroids();
        this.deleted = deleted;
    }

    /** Writes the group's live rows: the new shard, or none when every row of the group was deleted. */
    public List<DataFile> apply(CompactionPlan.Group group) {
        IndexLayout layout = new IndexLayout(root);
        ShardSpec spec = new ShardSpec(dim, nbits, codeWidth, numCentroids);
        int[] del = deleted.value();
        ShardWriter[] out = new ShardWriter[1];
        try {
            for (DataFile in : group.inputs()) {
                ShardReader.read(conf.get(), layout, in, spec, row -> {
                    if (row.pid() <= Integer.MAX_VALUE && Arrays.binarySearch(del, (int) row.pid()) >= 0) {
                        return;
                    }
                    if (out[0] == null) {
                        out[0] = ShardWriter.create(conf.get(), layout,
                                IndexLayout.newShardPath(String.format("compact-%05d", group.index())), spec);
                    }
                    out[0].write(row);
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
