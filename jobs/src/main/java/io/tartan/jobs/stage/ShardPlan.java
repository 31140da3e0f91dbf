package io.tartan.jobs.stage;

import io.tartan.format.codec.CentroidCodes;
import io.tartan.format.codec.ResidualPacking;

/**
 * How many shards: enough that one holds about {@code shard_target_mb} of codes and residuals, at least
 * {@code min_shards} (by default Spark's parallelism, so every core encodes), never more than there are documents.
 */
public final class ShardPlan {
    private ShardPlan() {
    }

    public static int shards(long docs, long estimatedTokens, int dim, int nbits, int k, double targetMb,
            int minShards) {
        long bytesPerToken = ResidualPacking.bytesPerToken(dim, nbits) + CentroidCodes.width(Math.max(1, k));
        long bySize = (long) Math.ceil(estimatedTokens * (double) bytesPerToken / (targetMb * 1024 * 1024));
        long n = Math.max(Math.max(1, minShards), bySize);
        return (int) Math.max(1, Math.min(n, Math.min(docs, 100_000)));
    }

    /**
     * How many pid ranges pass 1 splits each shard into: enough that one holds about {@code targetMb} of float
     * sample vectors ({@code sampleTokens} over all shards), capped so no range is empty.
     */
    public static int rangesPerShard(double sampleTokens, int dim, int shards, double targetMb) {
        double perShardMb = sampleTokens * dim * Float.BYTES / shards / (1024 * 1024);
        return (int) Math.max(1, Math.min(Math.ceil(perShardMb / targetMb), 100_000 / Math.max(1, shards)));
    }
}
