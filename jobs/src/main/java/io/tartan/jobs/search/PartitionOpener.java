package io.tartan.jobs.search;

import io.tartan.query.OpenOptions;
import io.tartan.query.TartanIndex;

import java.io.Serializable;

/**
 * Opens what one search task searches: the whole snapshot, or partition {@code partition} of {@code partitions} of
 * it (the partitioned plan, for indexes larger than one executor's memory). Every partition of one snapshot must
 * share its codec, so that scores from different partitions compare and a top-k merge of the partitions' top-k lists
 * equals the top-k of the whole index.
 */
@FunctionalInterface
public interface PartitionOpener extends Serializable {
    TartanIndex open(String uri, OpenOptions options, int partition, int partitions);

    /** The query runtime's own opener. */
    static PartitionOpener runtime() {
        return PartitionOpener::openWithRuntime;
    }

    private static TartanIndex openWithRuntime(String uri, OpenOptions options, int partition, int partitions) {
        if (partitions == 1) {
            return TartanIndex.open(uri, options);
        }
        return openPartition(uri, options, partition, partitions);
    }

    /**
     * The one call the partitioned plan needs from the query runtime: {@code OpenOptions.withPartition(i, n)}, which
     * loads only the documents of partition {@code i} of {@code n} (and the whole codec). Not in the runtime this
     * module is built against yet; wire it here when it is:
     * {@code return TartanIndex.open(uri, options.withPartition(partition, partitions));}
     */
    private static TartanIndex openPartition(String uri, OpenOptions options, int partition, int partitions) {
        throw new UnsupportedOperationException("--index-partitions " + partitions + " needs a query runtime that "
                + "opens index partitions (OpenOptions.withPartition); this build searches whole snapshots only: use "
                + "--index-partitions 1");
    }
}
