package io.tartan.jobs.search;

import io.tartan.query.OpenOptions;
import io.tartan.query.TartanIndex;

import java.io.Serializable;

/**
 * Opens what one search task searches: the whole snapshot, or partition {@code partition} of {@code partitions} of
 * it (the partitioned plan, for indexes larger than one executor's memory). Every partition of one snapshot must
 * share its codec and hold disjoint documents, so that scores from different partitions compare and a top-k merge of
 * the partitions' top-k lists equals the top-k of the whole index.
 */
@FunctionalInterface
public interface PartitionOpener extends Serializable {
    TartanIndex open(String uri, OpenOptions options, int partition, int partitions);

    /** The query runtime's own opener. */
    static PartitionOpener runtime() {
        return new RuntimePartitionOpener();
    }
}
