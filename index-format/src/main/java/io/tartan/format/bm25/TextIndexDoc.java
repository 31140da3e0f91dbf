package io.tartan.format.bm25;

import java.util.Map;

/**
 * One document of a shard's text index.
 *
 * @param text     {@code title + " " + text}, or null in a metadata-only index (precomputed vectors)
 * @param metadata the user's metadata, may be null
 */
public record TextIndexDoc(long pid, String docId, String text, Map<String, String> metadata) {
}
