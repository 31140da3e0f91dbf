package io.tartan.format.shard;

import io.tartan.format.codec.CentroidCodes;
import io.tartan.format.codec.ResidualCodec;

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

    /**
     * The row of one compressed document. Every writer (the local writer, the Spark jobs) builds rows here, so the
     * token layout inside a row is decided in one place.
     */
    public static ShardRow of(long pid, String docId, ResidualCodec.Compressed c, int codeWidth,
            Map<String, String> metadata) {
        int n = c.codes().length;
        return new ShardRow(pid, docId, n, CentroidCodes.encode(c.codes(), 0, n, codeWidth), c.residuals(), metadata);
    }
}
