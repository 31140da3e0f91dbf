package io.tartan.jobs.maintenance;

import io.tartan.format.manifest.DataFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactionPlanTest {
    /** A shard of {@code rows} pids from {@code min}, {@code bytes} large. */
    static DataFile shard(String name, long min, long rows, long bytes) {
        return new DataFile("data/" + name, DataFile.SHARD, bytes, rows, rows * 10, "crc32c:00000000", min,
                min + rows - 1);
    }

    static List<String> names(List<DataFile> files) {
        return files.stream().map(f -> f.path().substring(5)).toList();
    }

    @Test
    void onlyAdjacentShardsMergeAndBigCleanOnesStay() {
        List<DataFile> shards = List.of(shard("e", 400, 100, 100), shard("a", 0, 100, 100), shard("b", 100, 100, 1000),
                shard("c", 200, 100, 100), shard("d", 300, 100, 100));
        CompactionPlan p = CompactionPlan.of(shards, new int[0], 1000, 0.5);
        assertEquals(List.of("a", "b"), names(p.kept()), "b is big and clean; a, alone before b, is not worth "
                + "rewriting");
        assertEquals(1, p.groups().size());
        assertEquals(List.of("c", "d", "e"), names(p.groups().get(0).inputs()), "adjacent and small");
    }

    @Test
    void everyShardWithADeletedRowIsRewrittenAndGroupsStayWithinTheTarget() {
        List<DataFile> shards = List.of(shard("a", 0, 100, 600), shard("b", 100, 100, 600), shard("c", 200, 100, 600),
                shard("d", 300, 100, 900));
        // b loses half its rows, d one row
        int[] deleted = java.util.stream.IntStream.concat(java.util.stream.IntStream.range(100, 150),
                java.util.stream.IntStream.of(350)).toArray();
        CompactionPlan p = CompactionPlan.of(shards, deleted, 1000, 0.5);
        assertEquals(List.of("a", "c"), names(p.kept()));
        assertEquals(2, p.groups().size());
        assertEquals(List.of("b"), names(p.groups().get(0).inputs()));
        assertEquals(50, p.groups().get(0).deletedRows());
        assertEquals(List.of("d"), names(p.groups().get(1).inputs()));
        assertEquals(List.of("data/b", "data/d"), p.replacedPaths());

        CompactionPlan packed = CompactionPlan.of(shards, deleted, 1000, 1.0);
        // live bytes: a 600, b 300, c 600, d 891 → [a, b] (900), [c] (600), [d] (891)
        assertEquals(List.of(List.of("a", "b"), List.of("d")),
                packed.groups().stream().map(g -> names(g.inputs())).toList());
        assertEquals(List.of("c"), names(packed.kept()), "a lone clean shard is left as it is");
    }

    @Test
    void nothingToDo() {
        CompactionPlan p = CompactionPlan.of(List.of(shard("a", 0, 10, 5000), shard("b", 10, 10, 5000)), new int[0],
                1000, 0.5);
        assertTrue(p.isEmpty());
        assertEquals(2, p.kept().size());
    }
}
