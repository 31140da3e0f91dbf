package io.tartan.jobs.stage;

import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.io.Serializable;

/**
 * Joins runs of {@code per} consecutive partitions into one, without a shuffle and keeping their order: pass 1 works
 * on pid ranges small enough for one task to cache, pass 2 writes one shard from each run of them. Spark's default
 * coalescer groups by preferred location once partitions are cached, which would mix pid ranges.
 */
public final class ConsecutivePartitions implements PartitionCoalescer, Serializable {
    private static final long serialVersionUID = 1L;
    private final int per;

    private ConsecutivePartitions(int per) {
        this.per = per;
    }

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
        Partition[] parts = parent.partitions();
        int groups = (parts.length + per - 1) / per;
        PartitionGroup[] out = new PartitionGroup[groups];
        for (int g = 0; g < groups; g++) {
            out[g] = new PartitionGroup(Option.empty());
            for (int p = g * per; p < Math.min(parts.length, (g + 1) * per); p++) {
                out[g].partitions().$plus$eq(parts[p]);
            }
        }
        return out;
    }

    /** {@code rdd} with each run of {@code per} partitions as one (partition {@code i} = parents {@code i·per ..}). */
    public static <K, V> JavaPairRDD<K, V> join(JavaPairRDD<K, V> rdd, int per) {
        if (per == 1) {
            return rdd;
        }
        return JavaPairRDD.fromRDD(rdd.rdd().coalesce(groups(rdd.getNumPartitions(), per), false,
                Option.apply(new ConsecutivePartitions(per)), null), anyTag(), anyTag());
    }

    public static <T> JavaRDD<T> join(JavaRDD<T> rdd, int per) {
        if (per == 1) {
            return rdd;
        }
        return JavaRDD.fromRDD(rdd.rdd().coalesce(groups(rdd.getNumPartitions(), per), false,
                Option.apply(new ConsecutivePartitions(per)), null), anyTag());
    }

    private static int groups(int partitions, int per) {
        return (partitions + per - 1) / per;
    }

    @SuppressWarnings("unchecked")
    private static <T> ClassTag<T> anyTag() {
        return (ClassTag<T>) ClassTag$.MODULE$.AnyRef();
    }
}
