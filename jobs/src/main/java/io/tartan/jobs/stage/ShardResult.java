package io.tartan.jobs.stage;

import io.tartan.format.manifest.DataFile;

import java.io.Serializable;

/**
 * What one pass-2 task returns to the driver: its shard's manifest entry, the shard's piece of the IVF (IVF file
 * bytes, about one byte per entry), its text index's entry (null when the index has none) and where its time went.
 */
public record ShardResult(int partition, DataFile shard, DataFile textIndex, byte[] ivfPiece, long docs, long tokens, long encodedDocs,
        long reusedDocs, double encodeSeconds, double assignSeconds, double compressSeconds, double writeSeconds)
        implements Serializable {
}
