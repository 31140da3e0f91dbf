package io.tartan.query;

import io.tartan.format.manifest.DataFile;

import java.util.Arrays;
import java.util.List;

/**
 * The assignment of documents to the partitions of an index. Partition {@code i} of {@code n} serves the documents
 * whose pid lies in {@code [B_i, B_{i+1})}, with {@code B_0 = -∞}, {@code B_n = +∞} and the boundaries between
 * chosen from the manifest alone so each partition gets about the same number of live documents:
 *
 * <ol>
 *   <li>each shard's live count is estimated as its {@code record-count} minus the deleted pids inside its
 *       {@code [min-pid, max-pid]};</li>
 *   <li>with {@code L} the sum of the estimates over shards in pid order, boundary {@code B_j} is the pid at live rank
 *       {@code ⌊j·L/n⌋}, placed inside its shard by linear interpolation over the shard's pid range:
 *       {@code B_j = min-pid + ⌊(⌊j·L/n⌋ − live before the shard) · (max-pid − min-pid + 1) / shard's live⌋}.</li>
 * </ol>
 *
 * The boundaries are a pure function of the manifest (shards and deletion vectors), so every server that opens the
 * same version with the same {@code n} computes the same ones: each document is served by exactly one partition,
 * whatever the number of shards (a shard is cut where a boundary falls inside it, so 1 shard splits over 3
 * partitions as evenly as 3 shards do). A newer version may move the boundaries; a router merging partitions should
 * merge results of one version ({@link SearchResult#version()}).
 */
public final class PartitionPlan {
    private PartitionPlan() {
    }

    /**
     * The pid range {@code {lo, hi}} (hi exclusive; {@link Long#MIN_VALUE} / {@link Long#MAX_VALUE} at the ends) of
     * partition {@code p}.
     *
     * @param shards  the snapshot's shards, sorted by min-pid, not overlapping
     * @param deleted the snapshot's deleted pids, sorted
     */
    public static long[] pidRange(List<DataFile> shards, int[] deleted, Partition p) {
        long lo = p.index() == 0 ? Long.MIN_VALUE : boundary(shards, deleted, p.index(), p.count());
        long hi = p.index() == p.count() - 1 ? Long.MAX_VALUE : boundary(shards, deleted, p.index() + 1, p.count());
        return new long[] {lo, hi};
    }

    private static long boundary(List<DataFile> shards, int[] deleted, int j, int n) {
        long[] live = new long[shards.size()];
        long total = 0;
        for (int s = 0; s < live.length; s++) {
            DataFile f = shards.get(s);
            long dead = countIn(deleted, f.minPid(), f.maxPid());
            live[s] = Math.max(0, f.recordCount() - dead);
            total += live[s];
        }
        long target = Math.multiplyExact(total, (long) j) / n;
        long before = 0;
        for (int s = 0; s < live.length; s++) {
            if (live[s] == 0) {
                continue;
            }
            if (target <= before + live[s]) {
                DataFile f = shards.get(s);
                long span = f.maxPid() - f.minPid() + 1;
                return f.minPid() + Math.multiplyExact(target - before, span) / live[s];
            }
            before += live[s];
        }
        return Long.MAX_VALUE; // no live documents: every partition but the last is empty
    }

    private static long countIn(int[] sorted, long lo, long hi) {
        if (lo > Integer.MAX_VALUE || hi < Integer.MIN_VALUE) {
            return 0;
        }
        int a = lowerBound(sorted, (int) Math.max(lo, Integer.MIN_VALUE));
        int b = hi >= Integer.MAX_VALUE ? sorted.length : lowerBound(sorted, (int) hi + 1);
        return b - a;
    }

    private static int lowerBound(int[] a, int key) {
        int i = Arrays.binarySearch(a, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && a[i - 1] == key) {
            i--;
        }
        return i;
    }
}
