package io.tartan.jobs.search;

import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;

import java.io.Serializable;
import java.util.List;

/**
 * The ranked hits of one query (best first), or of one query on one index partition before the merge.
 *
 * @param key     the query's position among the valid queries: orders the output
 * @param queryId the user's query id
 * @param pids    internal pids, which break score ties (the smaller pid first, as the query runtime does)
 * @param millis  search time of this query, summed over the index partitions it ran on (encoding excluded)
 * @param version manifest version of the snapshot that answered
 */
public record QueryHits(long key, String queryId, long[] pids, String[] docIds, float[] scores, double millis,
        long version) implements Serializable {

    public static QueryHits of(long key, String queryId, SearchResult r, double millis) {
        List<SearchHit> hits = r.hits();
        long[] pids = new long[hits.size()];
        String[] ids = new String[hits.size()];
        float[] scores = new float[hits.size()];
        for (int i = 0; i < hits.size(); i++) {
            pids[i] = hits.get(i).pid();
            ids[i] = hits.get(i).docId();
            scores[i] = hits.get(i).score();
        }
        return new QueryHits(key, queryId, pids, ids, scores, millis, r.version());
    }

    public int size() {
        return pids.length;
    }
}
