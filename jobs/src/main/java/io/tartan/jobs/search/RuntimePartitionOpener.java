package io.tartan.jobs.search;

import io.tartan.query.OpenOptions;
import io.tartan.query.TartanIndex;

/**
 * Opens snapshots with the query runtime: the whole snapshot for the single plan, one partition of it
 * ({@link OpenOptions#withPartition}: a contiguous range of live pids, the whole codec) for the partitioned plan.
 */
final class RuntimePartitionOpener implements PartitionOpener {
    private static final long serialVersionUID = 1L;

    @Override
    public TartanIndex open(String uri, OpenOptions options, int partition, int partitions) {
        return partitions == 1 ? TartanIndex.open(uri, options)
                : TartanIndex.open(uri, options.withPartition(partition, partitions));
    }
}
