package io.tartan.jobs.stage;

import io.tartan.format.manifest.DataFile;

import java.io.Serializable;

/**
 * What one pass-2 task returns to the driver: its shard's manifest entry, the shard's piece of the IVF (IVF file
 * bytes, about one byte per entry), where its time went, and the executor it ran on with the kernels it used there
 * ({@link KernelUsage}).
 */
public record ShardResult(int partition, DataFile shard, byte[] ivfPiece, long docs, long tokens, long encodedDocs,
        long reusedDocs, double encodeSeconds, double assignSeconds, double compressSeconds, double writeSeconds,
        String executorId, String kernels) implements Serializable {
}
