package io.tartan.jobs.stage;

import io.tartan.format.manifest.DataFile;

import java.io.Serializable;

/**
 * What one pass-2 task returns to the driver: the manifest entries of its shard, of the shard's IVF file (written by
 * the task, so the driver never holds IVF lists, which grow with the corpus) and of its text index (null when the
 * index has none), where its time went, and the executor it ran on with the kernels it used there
 * ({@link KernelUsage}).
 *
 * @param tokens      tokens stored (after pooling)
 * @param inputTokens tokens the documents had before pooling (equal to {@code tokens} without pooling)
 */
public record ShardResult(int partition, DataFile shard, DataFile textIndex, DataFile ivf, long docs, long tokens,
        long inputTokens, long encodedDocs, long reusedDocs, double encodeSeconds, double poolSeconds,
        double assignSeconds, double compressSeconds, double writeSeconds, String executorId, String kernels) implements Serializable {
}
