package io.tartan.jobs.search;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopKMergeTest {
    private record Hit(long pid, float score) {
    }

    private static final Comparator<Hit> BEST_FIRST = Comparator.comparing(Hit::score, Comparator.reverseOrder())
            .thenComparingLong(Hit::pid);

    private static QueryHits hits(List<Hit> sorted, int k, double millis) {
        List<Hit> top = sorted.subList(0, Math.min(k, sorted.size()));
        long[] pids = top.stream().mapToLong(Hit::pid).toArray();
        String[] ids = top.stream().map(h -> "d" + h.pid()).toArray(String[]::new);
        float[] scores = new float[top.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = top.get(i).score();
        }
        return new QueryHits(7, "q", pids, ids, scores, millis, 3);
    }

    @Test
    void mergingThePartitionsTopKInAnyOrderGivesTheTopKOfTheWhole() {
        Random r = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int ndocs = 1 + r.nextInt(60);
            int k = 1 + r.nextInt(12);
            int partitions = 1 + r.nextInt(5);
            List<Hit> all = new ArrayList<>();
            for (long pid = 0; pid < ndocs; pid++) {
                // few distinct scores, so ties across partitions are common and must go to the smaller pid
                all.add(new Hit(pid, r.nextInt(8) / 4f));
            }
            List<QueryHits> parts = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                int part = p;
                List<Hit> mine = new ArrayList<>(all.stream().filter(h -> h.pid() % partitions == part).toList());
                mine.sort(BEST_FIRST);
                parts.add(hits(mine, k, 1.0));
            }
            Collections.shuffle(parts, r);
            QueryHits merged = parts.get(0);
            for (int i = 1; i < parts.size(); i++) {
                merged = r.nextBoolean() ? TopKMerge.merge(merged, parts.get(i), k)
                        : TopKMerge.merge(parts.get(i), merged, k);
            }
            all.sort(BEST_FIRST);
            QueryHits expected = hits(all, k, partitions);
            assertArrayEquals(expected.pids(), merged.pids(), "trial " + trial);
            assertArrayEquals(expected.docIds(), merged.docIds());
            assertArrayEquals(expected.scores(), merged.scores());
            assertEquals(partitions, merged.millis(), 1e-9, "per-query time sums over partitions");
        }
    }

    @Test
    void aListMergedWithItselfKeepsEachDocumentOnce() {
        QueryHits a = hits(List.of(new Hit(4, 0.9f), new Hit(2, 0.5f), new Hit(9, 0.5f)), 3, 1);
        QueryHits twice = TopKMerge.merge(a, a, 5);
        assertArrayEquals(a.pids(), twice.pids());
    }

    @Test
    void hitsOfDifferentQueriesOrSnapshotsAreNeverMerged() {
        QueryHits a = hits(List.of(new Hit(1, 1f)), 1, 1);
        QueryHits otherVersion = new QueryHits(7, "q", new long[] {2}, new String[] {"d2"}, new float[] {1f}, 1, 4);
        assertThrows(IllegalArgumentException.class, () -> TopKMerge.merge(a, otherVersion, 1));
    }
}
