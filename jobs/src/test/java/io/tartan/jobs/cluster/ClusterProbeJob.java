package io.tartan.jobs.cluster;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.LongStream;

/**
 * A small job for proving a cluster works before a real one runs on it: squares {@code 0..n-1} across
 * {@code partitions} tasks (each sleeping {@code sleepMs}, so a test can kill a worker while tasks run) and writes
 * the sum and the executors that ran tasks to {@code out}. The driver checks nothing; the test compares the sum.
 *
 * <p>Arguments: {@code out n partitions sleepMs}.
 */
public final class ClusterProbeJob {
    private ClusterProbeJob() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        long n = Long.parseLong(args[1]);
        int partitions = Integer.parseInt(args[2]);
        long sleepMs = Long.parseLong(args[3]);
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("cluster-probe"))) {
            List<Long> values = LongStream.range(0, n).boxed().toList();
            List<Tuple2<Long, String>> parts = sc.parallelize(values, partitions).mapPartitions(it -> {
                long sum = 0;
                while (it.hasNext()) {
                    long v = it.next();
                    sum += v * v;
                }
                Thread.sleep(sleepMs);
                List<Tuple2<Long, String>> one = new ArrayList<>();
                one.add(new Tuple2<>(sum, SparkEnv.get().executorId()));
                return one.iterator();
            }).collect();
            long sum = parts.stream().mapToLong(Tuple2::_1).sum();
            TreeSet<String> executors = new TreeSet<>();
            parts.forEach(t -> executors.add(t._2()));
            Files.writeString(out, "sum=" + sum + "\nexecutors=" + String.join(",", executors) + "\n",
                    StandardCharsets.UTF_8);
        }
    }
}
