package io.tartan.jobs.stage;

import org.apache.spark.Partitioner;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A partition per integer key {@code 0..n-1}, numbered by decreasing weight: Spark starts a stage's tasks in
 * partition order, so the heaviest (the largest k-means groups) start first and the last tasks running are short
 * ones, instead of the largest group alone holding up the stage at its end.
 */
public final class LargestFirstPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int[] partitionOf;

    /** @param weights a weight per key (ties: the lower key first) */
    public LargestFirstPartitioner(long[] weights) {
        Integer[] order = IntStream.range(0, weights.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingLong((Integer g) -> -weights[g]).thenComparingInt(g -> g));
        partitionOf = new int[weights.length];
        for (int p = 0; p < order.length; p++) {
            partitionOf[order[p]] = p;
        }
    }

    @Override
    public int numPartitions() {
        return partitionOf.length;
    }

    @Override
    public int getPartition(Object key) {
        return partitionOf[(Integer) key];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LargestFirstPartitioner p && Arrays.equals(p.partitionOf, partitionOf);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(partitionOf);
    }
}
