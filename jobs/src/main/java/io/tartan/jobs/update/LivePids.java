package io.tartan.jobs.update;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardSpec;
import io.tartan.jobs.input.HadoopConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the live pids of given document ids in a snapshot: one Spark task per shard scans its rows and keeps those
 * whose id is asked for and whose pid is not deleted already. The ids travel as a broadcast set, so the cost is one
 * read of the shards, whatever the number of ids.
 */
public final class LivePids {
    private LivePids() {
    }

    /** doc id → live pid, for the ids of {@code ids} that are live in {@code m}. */
    public static Map<String, Integer> of(JavaSparkContext sc, HadoopConf conf, String root, Manifest m,
            Set<String> ids, int[] deleted) {
        if (ids.isEmpty() || m.shards().isEmpty()) {
            return Map.of();
        }
        Broadcast<Set<String>> wanted = sc.broadcast(ids);
        Broadcast<int[]> gone = sc.broadcast(deleted);
        ShardSpec spec = ShardSpec.of(m.settings());
        int dim = spec.dim();
        int nbits = spec.nbits();
        int width = spec.codeWidth();
        int k = spec.numCentroids();
        try {
            List<Tuple2<String, Integer>> found = sc.parallelize(m.shards(), m.shards().size())
                    .flatMap((DataFile shard) -> {
                        List<Tuple2<String, Integer>> out = new ArrayList<>();
                        Set<String> w = wanted.value();
                        int[] del = gone.value();
                        ShardReader.read(conf.get(), new IndexLayout(root), shard, new ShardSpec(dim, nbits, width, k),
                                row -> {
                                    int pid = Math.toIntExact(row.pid());
                                    if (w.contains(row.docId()) && Arrays.binarySearch(del, pid) < 0) {
                                        out.add(new Tuple2<>(row.docId(), pid));
                                    }
                                });
                        return out.iterator();
                    }).collect();
            Map<String, Integer> out = new HashMap<>();
            for (Tuple2<String, Integer> t : found) {
                Integer before = out.put(t._1(), t._2());
                if (before != null) {
                    throw new IllegalStateException("document id '" + t._1() + "' is live twice (pids " + before
                            + " and " + t._2() + ") in snapshot v" + m.version());
                }
            }
            return out;
        } finally {
            wanted.destroy();
            gone.destroy();
        }
    }
}
