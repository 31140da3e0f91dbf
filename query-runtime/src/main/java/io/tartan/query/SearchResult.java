package io.tartan.query;

import java.util.List;

/**
 * Ranked hits of one query, best first.
 *
 * @param version    manifest version of the snapshot that answered
 * @param candidates documents the first stage produced (0 for exhaustive search and rerank)
 */
public record SearchResult(List<SearchHit> hits, long version, int candidates) {
}
