package io.tartan.format.shard;

import java.util.Map;

/**
 * One document in a shard (FORMAT.md "Shards").
 *
 * @param pid       dense internal id, unique in the index
 * @param docId     the user's id
 * @param doclen    number of tokens
 * @param codes     {@code doclen} centroid codes, little-endian, {@code code-width} bytes each
 * @param residuals {@code doclen} packed residuals, {@code dim·nbits/8} bytes each
 * @param metadata  optional user metadata, may be null
 */
public record ShardRow(long pid, String docId, int doclen, byte[] codes, byte[] residuals, Map<String, String> metadata) {
}
