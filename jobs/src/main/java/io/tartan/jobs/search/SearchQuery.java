package io.tartan.jobs.search;

import java.io.Serializable;

/**
 * One valid query ready to search.
 *
 * @param key     position among the valid queries, in input order: orders the output and keys the merge
 * @param id      the user's query id
 * @param vectors row-major {@code [ntokens × dim]} token vectors (encoded from the text for text queries)
 */
public record SearchQuery(long key, String id, float[] vectors) implements Serializable {
}
