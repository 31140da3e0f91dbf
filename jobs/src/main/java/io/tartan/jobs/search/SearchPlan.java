package io.tartan.jobs.search;

import io.tartan.jobs.stage.PidRangePartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How the queries meet the index. Both plans give each query's top-k in query order, one output partition per block
 * of queries.
 * <ul>
 *   <li>{@link #single}: one task per block of queries; each searches the whole snapshot, loaded once per executor.
 *   </li>
 *   <li>{@link #partitioned}: the index in {@code n} partitions (for an index larger than one executor's memory);
 *       one task per (index partition, block of queries), each loading only its partition once per executor; a
 *       query's {@code n} partial answers are merged by {@code reduceByKey}. Partitions share the codec and hold
 *       disjoint documents, so the merge equals the single plan's top-k (ids and scores): exact mode merges top-k
 *       lists ({@link TopKMerge}); FAST and PLAID merge candidate pools ({@link QueryPool}), because their
 *       approximate stages keep a top-N over the whole index that no partition's own top-k reproduces.</li>
 * </ul>
 */
public final class SearchPlan {
    private SearchPlan() {
    }

    /**
     * @param queries blocks of queries in key order (range-partitioned by key, sorted within)
     */
    static JavaRDD<QueryHits> single(JavaRDD<SearchQuery> queries, SearchTask task) {
        return queries.mapPartitions(q -> task.run(q, 0, 1));
    }

    /**
     * @param blocks     the partitioner of {@code queries}; the merged hits come back partitioned the same way
     * @param partitions index partitions
     */
    static JavaRDD<QueryHits> partitioned(JavaSparkContext sc, JavaRDD<SearchQuery> queries,
            PidRangePartitioner blocks, int partitions, SearchTask task) {
        List<Integer> indexParts = IntStream.range(0, partitions).boxed().toList();
        int k = task.k();
        // cartesian: task (i, j) pairs index partition i with query block j, so each task loads one partition
        JavaPairRDD<Integer, SearchQuery> pairs = sc.parallelize(indexParts, partitions).cartesian(queries);
        if (task.mode().topKListsMerge()) {
            return pairs.mapPartitions(p -> task.runPairs(p, partitions))
                    .mapToPair(h -> new Tuple2<>(h.key(), h))
                    .reduceByKey(blocks, (a, b) -> TopKMerge.merge(a, b, k))
                    .mapPartitions(it -> inKeyOrder(it, h -> h));
        }
        return pairs.mapPartitions(p -> task.poolPairs(p, partitions))
                .mapToPair(q -> new Tuple2<>(q.key(), q))
                .reduceByKey(blocks, QueryPool::merge)
                .mapPartitions(it -> inKeyOrder(it, QueryPool::hits));
    }

    private static <T> java.util.Iterator<QueryHits> inKeyOrder(java.util.Iterator<Tuple2<Long, T>> it,
            java.util.function.Function<T, QueryHits> hits) {
        List<QueryHits> block = new ArrayList<>();
        it.forEachRemaining(t -> block.add(hits.apply(t._2())));
        block.sort(Comparator.comparingLong(QueryHits::key));
        return block.iterator();
    }
}
