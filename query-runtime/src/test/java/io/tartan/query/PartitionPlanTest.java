package io.tartan.query;

import io.tartan.format.manifest.DataFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionPlanTest {
    private static DataFile shard(long minPid, long maxPid, long rows) {
        return new DataFile("data/s" + minPid + ".parquet", DataFile.SHARD, 100, rows, rows * 10, "crc32c:00000000",
                minPid, maxPid);
    }

    @Test
    void rangesTileThePidSpaceAndBalanceLiveDocuments() {
        // three shards, the middle one with gaps (compacted) and deletions
        List<DataFile> shards = List.of(shard(0, 99, 100), shard(100, 299, 100), shard(300, 309, 10));
        int[] deleted = {100, 102, 104, 106, 108, 110, 112, 114, 116, 118};
        for (int n : new int[] {1, 2, 3, 7, 200, 500}) {
            long prevHi = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                long[] r = PartitionPlan.pidRange(shards, deleted, new Partition(i, n));
                assertEquals(prevHi, r[0], "partition " + i + " of " + n + " starts where the previous ends");
                assertTrue(r[0] <= r[1]);
                prevHi = r[1];
            }
            assertEquals(Long.MAX_VALUE, prevHi);
        }
        // 200 live documents (210 stored, 10 deleted) over 2 partitions: the boundary is at live rank 100, the end of
        // the first shard
        assertEquals(100, PartitionPlan.pidRange(shards, deleted, new Partition(1, 2))[0]);
    }

    @Test
    void oneShardSplitsEvenly() {
        List<DataFile> one = List.of(shard(0, 899, 900));
        assertEquals(300, PartitionPlan.pidRange(one, new int[0], new Partition(1, 3))[0]);
        assertEquals(600, PartitionPlan.pidRange(one, new int[0], new Partition(2, 3))[0]);
    }
}
