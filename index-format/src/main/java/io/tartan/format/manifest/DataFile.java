package io.tartan.format.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;

/**
 * One file a snapshot uses (FORMAT.md "Manifest"). {@code path} is relative to the index root, so an index can be
 * copied between file systems unchanged. Serializable because Spark jobs send the entries of the files their tasks
 * read and write between driver and executors.
 *
 * @param content     {@code shard}, {@code codec}, {@code ivf}, {@code deletes} or {@code text-index}
 * @param recordCount rows (shards, text indexes), lists (IVF), deleted pids (deletes), 0 (codec)
 * @param tokenCount  tokens stored (shards), entries (IVF), else 0
 * @param minPid      smallest pid in the file (shards, text indexes, deletes), else -1
 * @param maxPid      largest pid in the file (shards, text indexes, deletes), else -1
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataFile(
        @JsonProperty("path") String path,
        @JsonProperty("content") String content,
        @JsonProperty("size-bytes") long sizeBytes,
        @JsonProperty("record-count") long recordCount,
        @JsonProperty("token-count") long tokenCount,
        @JsonProperty("checksum") String checksum,
        @JsonProperty("min-pid") long minPid,
        @JsonProperty("max-pid") long maxPid) implements Serializable {

    public static final String SHARD = "shard";
    public static final String CODEC = "codec";
    public static final String IVF = "ivf";
    public static final String DELETES = "deletes";
    /** A shard's BM25 / metadata index (FORMAT.md section 11), named after its shard. */
    public static final String TEXT_INDEX = "text-index";

    /** A file without a pid range (codec, IVF). */
    public static DataFile of(String path, String content, long sizeBytes, long recordCount, long tokenCount,
            String checksum) {
        return new DataFile(path, content, sizeBytes, recordCount, tokenCount, checksum, -1, -1);
    }
}
