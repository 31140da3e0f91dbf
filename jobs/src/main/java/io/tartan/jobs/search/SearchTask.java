package io.tartan.jobs.search;

import io.tartan.jobs.input.HadoopConf;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.hadoop.HadoopStorageProvider;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * What every search task needs, shipped with the task: which snapshot to search (URI and the version the driver
 * pinned, so an update committed mid-job changes nothing), how, and where executors cache remote index files.
 *
 * @param overrides overrides of the mode's defaults for k
 * @param cacheDir  executor-local cache for files of remote indexes; null: the runtime's default
 *                  ({@code java.io.tmpdir/tartan-cache})
 * @param searched  counts searches done (one per query and index partition), for progress
 * @param loads     counts snapshot loads (one per executor JVM and index partition)
 */
record SearchTask(String index, long version, HadoopConf conf, String cacheDir, SearchMode mode, int k,
        SearchOverrides overrides, PartitionOpener opener, LongAccumulator searched,
        LongAccumulator loads) implements Serializable {

    /** The runtime's parameters (they do not travel: the query runtime's classes are not Serializable). */
    SearchParams params() {
        return mode.params(overrides);
    }

    /** Searches {@code queries} on partition {@code partition} of {@code partitions} of the snapshot. */
    Iterator<QueryHits> run(Iterator<SearchQuery> queries, int partition, int partitions) {
        TartanIndex idx = open(partition, partitions);
        SearchParams params = params();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return queries.hasNext();
            }

            @Override
            public QueryHits next() {
                return search(idx, queries.next(), params);
            }
        };
    }

    /** The partitioned plan's task body for modes whose top-k lists merge: every pair names the same partition. */
    Iterator<QueryHits> runPairs(Iterator<Tuple2<Integer, SearchQuery>> pairs, int partitions) {
        return eachPair(pairs, partitions, this::search);
    }

    /** The partitioned plan's task body for FAST and PLAID: each query's candidate pool on the task's partition. */
    Iterator<QueryPool> poolPairs(Iterator<Tuple2<Integer, SearchQuery>> pairs, int partitions) {
        return eachPair(pairs, partitions, this::pool);
    }

    private interface PartitionSearch<T> {
        T apply(TartanIndex idx, SearchQuery q, SearchParams params);
    }

    private <T> Iterator<T> eachPair(Iterator<Tuple2<Integer, SearchQuery>> pairs, int partitions,
            PartitionSearch<T> search) {
        return new Iterator<>() {
            private final SearchParams params = params();
            private TartanIndex idx;

            @Override
            public boolean hasNext() {
                return pairs.hasNext();
            }

            @Override
            public T next() {
                Tuple2<Integer, SearchQuery> p = pairs.next();
                if (idx == null) {
                    idx = open(p._1(), partitions);
                }
                return search.apply(idx, p._2(), params);
            }
        };
    }

    private TartanIndex open(int partition, int partitions) {
        OpenOptions o = OpenOptions.defaults().withStorage(new HadoopStorageProvider(conf.get()));
        if (cacheDir != null) {
            o = o.withCacheDir(Path.of(cacheDir), false);
        }
        return SnapshotCache.get(index, version, partition, partitions, o, opener, () -> loads.add(1));
    }

    private QueryHits search(TartanIndex idx, SearchQuery q, SearchParams params) {
        long t0 = System.nanoTime();
        QueryHits h = QueryHits.of(q.key(), q.id(), mode.search(idx, q.vectors(), k, params),
                (System.nanoTime() - t0) / 1e6);
        searched.add(1);
        return h;
    }

    private QueryPool pool(TartanIndex idx, SearchQuery q, SearchParams params) {
        long t0 = System.nanoTime();
        QueryPool p = new QueryPool(q.key(), q.id(), idx.candidatePool(q.vectors(), k, params),
                (System.nanoTime() - t0) / 1e6);
        searched.add(1);
        return p;
    }
}
