package io.tartan.jobs.search;

import io.tartan.query.search.CandidatePool;
import io.tartan.query.search.CandidatePoolMerger;

import java.io.Serializable;

/**
 * The candidate pool one query got from one index partition (FAST and PLAID in the partitioned plan), or from
 * several once merged: what {@code reduceByKey} carries instead of top-k lists, because the pools merge to exactly
 * the single plan's top-k ({@link CandidatePoolMerger}) and top-k lists of approximate searches do not.
 *
 * @param key     the query's position among the valid queries
 * @param millis  search time of this query, summed over the index partitions it ran on
 */
record QueryPool(long key, String queryId, CandidatePool pool, double millis) implements Serializable {

    /** Associative and commutative, as {@code reduceByKey} needs. */
    static QueryPool merge(QueryPool a, QueryPool b) {
        if (a.key != b.key) {
            throw new IllegalArgumentException("merging the candidates of query " + a.queryId + " with query "
                    + b.queryId);
        }
        return new QueryPool(a.key, a.queryId, CandidatePoolMerger.merge(a.pool, b.pool), a.millis + b.millis);
    }

    /** The top-k of a pool that covers every index partition. */
    QueryHits hits() {
        return QueryHits.of(key, queryId, CandidatePoolMerger.result(pool), millis);
    }
}
