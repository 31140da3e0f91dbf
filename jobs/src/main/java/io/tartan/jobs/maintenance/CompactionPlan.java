package io.tartan.jobs.maintenance;

import io.tartan.format.manifest.DataFile;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which shards a compaction rewrites, and into how many output shards.
 *
 * <p>A shard is rewritten if it stores a deleted pid (so that every deletion vector can be dropped afterwards) or if
 * it is smaller than {@code smallFraction × target}. Only shards adjacent in pid order are merged: shards of a snapshot
 * must keep disjoint pid ranges (FORMAT.md section 6), and a merged shard spanning a kept one would overlap it. A run
 * of adjacent candidates is packed greedily, in pid order, into groups whose estimated live bytes stay within the
 * target; a group that is one clean shard is left alone (rewriting it would change nothing).
 */
public final class CompactionPlan {
    /** One output shard: the input shards it is made of, in pid order. */
    public record Group(int index, List<DataFile> inputs, long deletedRows) implements Serializable {
    }

    private final List<Group> groups;
    private final List<DataFile> kept;

    private CompactionPlan(List<Group> groups, List<DataFile> kept) {
        this.groups = groups;
        this.kept = kept;
    }

    /**
     * @param shards       the snapshot's shards, any order
     * @param deleted      the snapshot's deleted pids, sorted
     * @param targetBytes  size an output shard should not exceed (estimated from its inputs' live share)
     * @param smallFraction shards below this share of the target are merged even without deletes
     */
    public static CompactionPlan of(List<DataFile> shards, int[] deleted, long targetBytes, double smallFraction) {
        List<DataFile> sorted = new ArrayList<>(shards);
        sorted.sort(Comparator.comparingLong(DataFile::minPid));
        List<Group> groups = new ArrayList<>();
        List<DataFile> kept = new ArrayList<>();
        List<DataFile> run = new ArrayList<>();
        long runBytes = 0;
        long runDeleted = 0;
        for (DataFile s : sorted) {
            long del = deletedIn(s, deleted);
            boolean candidate = del > 0 || s.sizeBytes() < smallFraction * targetBytes;
            long live = s.recordCount() == 0 ? 0 : Math.round((double) s.sizeBytes() * (s.recordCount() - del) / s.recordCount());
            if (!candidate || (!run.isEmpty() && runBytes + live > targetBytes)) {
                close(run, runDeleted, groups, kept);
                run = new ArrayList<>();
                runBytes = 0;
                runDeleted = 0;
            }
            if (candidate) {
                run.add(s);
                runBytes += live;
                runDeleted += del;
            } else {
                kept.add(s);
            }
        }
        close(run, runDeleted, groups, kept);
        return new CompactionPlan(groups, kept);
    }

    private static void close(List<DataFile> run, long deletedRows, List<Group> groups, List<DataFile> kept) {
        if (run.size() == 1 && deletedRows == 0) {
            kept.add(run.get(0));
        } else if (!run.isEmpty()) {
            groups.add(new Group(groups.size(), List.copyOf(run), deletedRows));
        }
    }

    /** Deleted pids inside a shard's pid range; shards have disjoint ranges, so these are the shard's deleted rows. */
    static long deletedIn(DataFile shard, int[] deleted) {
        if (shard.minPid() < 0) {
            return 0;
        }
        int from = lowerBound(deleted, shard.minPid());
        int to = lowerBound(deleted, shard.maxPid() + 1);
        return to - from;
    }

    private static int lowerBound(int[] a, long key) {
        int i = Arrays.binarySearch(a, (int) Math.min(Integer.MAX_VALUE, key));
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && a[i - 1] == a[i]) {
            i--;
        }
        return i;
    }

    public List<Group> groups() {
        return groups;
    }

    /** Shards the compacted snapshot keeps unchanged. */
    public List<DataFile> kept() {
        return kept;
    }

    /** Input shards the groups replace. */
    public List<String> replacedPaths() {
        return groups.stream().flatMap(g -> g.inputs().stream()).map(DataFile::path).toList();
    }

    public boolean isEmpty() {
        return groups.isEmpty();
    }
}
