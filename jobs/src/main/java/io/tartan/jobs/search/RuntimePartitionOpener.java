package io.tartan.jobs.search;

import io.tartan.query.OpenOptions;
import io.tartan.query.TartanIndex;

/**
 * Opens snapshots with the query runtime: the whole snapshot for the single plan, one partition of it for the
 * partitioned plan.
 *
 * <p>Opening one partition needs {@code OpenOptions.withPartition(i, n)} (the documents of partition {@code i} of
 * {@code n}, and the whole codec), which the query runtime this module is built against does not have yet. When it
 * does, {@link #PARTITIONS_SUPPORTED} becomes true and {@link #openPartition} becomes
 * {@code return TartanIndex.open(uri, options.withPartition(partition, partitions));} — nothing else in the job
 * changes.
 */
final class RuntimePartitionOpener implements PartitionOpener {
    private static final long serialVersionUID = 1L;
    static final boolean PARTITIONS_SUPPORTED = false;

    @Override
    public TartanIndex open(String uri, OpenOptions options, int partition, int partitions) {
        return partitions == 1 ? TartanIndex.open(uri, options) : openPartition(uri, options, partition, partitions);
    }

    @Override
    public void requireSupported(int partitions) {
        if (partitions > 1 && !PARTITIONS_SUPPORTED) {
            throw new IllegalArgumentException("--index-partitions " + partitions + " needs a query runtime that opens "
                    + "one partition of a snapshot (OpenOptions.withPartition); this build searches whole snapshots "
                    + "only: use --index-partitions 1");
        }
    }

    private static TartanIndex openPartition(String uri, OpenOptions options, int partition, int partitions) {
        throw new UnsupportedOperationException("opening partition " + partition + " of " + partitions + " of " + uri
                + " needs OpenOptions.withPartition");
    }
}
