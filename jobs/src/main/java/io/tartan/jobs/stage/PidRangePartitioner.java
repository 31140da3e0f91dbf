package io.tartan.jobs.stage;

import org.apache.spark.Partitioner;

/** Sends pid {@code p} of {@code n} to shard {@code ⌊p·shards/n⌋}: contiguous, balanced pid ranges, one per shard. */
public final class PidRangePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int shards;
    private final long docs;

    public PidRangePartitioner(int shards, long docs) {
        this.shards = shards;
        this.docs = Math.max(1, docs);
    }

    @Override
    public int numPartitions() {
        return shards;
    }

    @Override
    public int getPartition(Object key) {
        long pid = (Long) key;
        return (int) Math.min(shards - 1, Math.multiplyHigh(pid, shards) == 0 ? pid * shards / docs
                : (long) ((double) pid * shards / docs));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PidRangePartitioner p && p.shards == shards && p.docs == docs;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(docs) * 31 + shards;
    }
}
