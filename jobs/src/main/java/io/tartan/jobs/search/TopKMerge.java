package io.tartan.jobs.search;

/**
 * Merges the top-k lists one query got from different index partitions into the top-k of the whole index: a
 * two-way merge of lists sorted best first (higher score, then smaller pid, the query runtime's order), keeping the
 * first {@code k}. Associative and commutative, as {@code reduceByKey} needs. Partitions hold disjoint documents, so
 * a pid is in at most one list; should the same list be merged in twice, its pids are still kept once.
 */
public final class TopKMerge {
    private TopKMerge() {
    }

    public static QueryHits merge(QueryHits a, QueryHits b, int k) {
        if (a.key() != b.key() || a.version() != b.version()) {
            throw new IllegalArgumentException("merging hits of query " + a.queryId() + " (v" + a.version()
                    + ") with query " + b.queryId() + " (v" + b.version() + ")");
        }
        int n = Math.min(k, a.size() + b.size());
        long[] pids = new long[n];
        String[] ids = new String[n];
        float[] scores = new float[n];
        int i = 0;
        int j = 0;
        int out = 0;
        while (out < n && (i < a.size() || j < b.size())) {
            boolean takeA = j >= b.size() || (i < a.size() && before(a.scores()[i], a.pids()[i], b.scores()[j],
                    b.pids()[j]));
            QueryHits src = takeA ? a : b;
            int at = takeA ? i++ : j++;
            if (out > 0 && pids[out - 1] == src.pids()[at]) {
                continue;
            }
            pids[out] = src.pids()[at];
            ids[out] = src.docIds()[at];
            scores[out] = src.scores()[at];
            out++;
        }
        if (out < n) {
            pids = java.util.Arrays.copyOf(pids, out);
            ids = java.util.Arrays.copyOf(ids, out);
            scores = java.util.Arrays.copyOf(scores, out);
        }
        return new QueryHits(a.key(), a.queryId(), pids, ids, scores, a.millis() + b.millis(), a.version());
    }

    private static boolean before(float scoreA, long pidA, float scoreB, long pidB) {
        int c = Float.compare(scoreB, scoreA);
        return c != 0 ? c < 0 : pidA <= pidB;
    }
}
