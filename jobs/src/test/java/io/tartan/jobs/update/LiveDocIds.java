package io.tartan.jobs.update;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.snapshot.DeletedPids;
import org.apache.hadoop.conf.Configuration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The live documents of an index's latest snapshot by id, read from the files themselves (every shard row whose pid
 * no deletion vector lists), independent of the job code under test. An update replaces a document by deleting its
 * old pid, so an id live under two pids means a replaced or deleted version came back.
 */
public final class LiveDocIds {
    private LiveDocIds() {
    }

    /** Every id of the latest snapshot with its live pids (ascending). */
    public static Map<String, List<Long>> of(Configuration conf, String index) {
        IndexLayout layout = new IndexLayout(index);
        Manifest m = new ManifestStore(conf, layout).readLatest();
        int[] deleted = DeletedPids.of(conf, layout, m);
        ShardSpec spec = ShardSpec.of(m.settings());
        Map<String, List<Long>> out = new TreeMap<>();
        for (DataFile shard : m.shards()) {
            ShardReader.read(conf, layout, shard, spec, row -> {
                if (Arrays.binarySearch(deleted, Math.toIntExact(row.pid())) < 0) {
                    out.computeIfAbsent(row.docId(), k -> new ArrayList<>()).add(row.pid());
                }
            });
        }
        out.values().forEach(pids -> pids.sort(Long::compare));
        return out;
    }

    /**
     * Asserts that no id is live twice in the latest snapshot and that its summary counts exactly the live rows;
     * returns id → live pid.
     */
    public static Map<String, Long> assertEachLiveAtMostOnce(Configuration conf, String index) {
        Map<String, List<Long>> live = of(conf, index);
        Map<String, Long> once = new TreeMap<>();
        Map<String, List<Long>> twice = new TreeMap<>();
        live.forEach((id, pids) -> {
            if (pids.size() > 1) {
                twice.put(id, pids);
            }
            once.put(id, pids.get(0));
        });
        Manifest m = new ManifestStore(conf, new IndexLayout(index)).readLatest();
        if (!twice.isEmpty()) {
            fail("version " + m.version() + " (" + m.operation() + ") has ids live more than once (id=[pids]): "
                    + twice);
        }
        assertEquals(once.size(), m.summary().liveDocuments(), "live-documents of version " + m.version());
        return once;
    }
}
