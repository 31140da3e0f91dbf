package io.tartan.query;

import io.tartan.query.search.CandidatePool;
import io.tartan.query.search.CandidatePoolMerger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FAST and PLAID over n index partitions: the partitions' candidate pools, merged, give exactly the single node's
 * result (ids, pids and scores, in order), where merging the partitions' own top-k lists does not.
 */
class CandidatePoolTest {
    @TempDir
    Path dir;

    private static final List<SearchParams> MODES = List.of(
            SearchParams.defaults(),
            SearchParams.defaults().withNdocs(24),
            SearchParams.defaults().withCentroidScoreThreshold(0.3f).withNdocs(40),
            SearchParams.plaid(),
            SearchParams.plaid().withNcells(3).withNdocs(60),
            SearchParams.plaid().withNcells(4).withCentroidScoreThreshold(0.2f).withNdocs(24),
            SearchParams.plaid().withNcells(4).withCentroidScoreThreshold(0.6f).withNdocs(40),
            SearchParams.plaid().withNcells(8).withCentroidScoreThreshold(0.7f).withNdocs(20),
            SearchParams.plaid().withNcells(8).withCentroidScoreThreshold(0.6f).withNdocs(8),
            SearchParams.plaid().withNcells(2).withCentroidScoreThreshold(0.8f).withNdocs(12),
            SearchParams.defaults().withCentroidScoreThreshold(0.65f).withNdocs(32),
            // per-token expansion: estimates for the unscored pairs, the kept documents' rows scored exactly
            SearchParams.defaults().withNgroups(1),
            SearchParams.defaults().withNgroups(2).withNdocs(24),
            SearchParams.defaults().withNgroups(3).withNcells(2).withNdocs(40));

    @Test
    void mergedPoolsEqualTheSingleNodeInEveryModeWhereMergedTopKListsDoNot() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        fx.delete(3, 150, 151, 399);
        int oldMergeDiffers = assertPoolsMergeExactly(fx, false);
        assertTrue(oldMergeDiffers > 0, "no case where a partition's own top-k misses the single node's: the test "
                + "would not tell the pools from a top-k merge");
    }

    @Test
    void tiesBetweenPartitionsBreakByPidAsOnTheSingleNode() {
        TestIndex fx = TestIndex.buildWithTwins(dir.resolve("twins"));
        assertPoolsMergeExactly(fx, true);
    }

    /** Returns in how many cases merging the partitions' top-k lists differs from the single node. */
    private int assertPoolsMergeExactly(TestIndex fx, boolean twins) {
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache"), false);
        int oldMergeDiffers = 0;
        int ties = 0;
        try (TartanIndex whole = TartanIndex.open(fx.uri(), base)) {
            for (int n : new int[] {2, 3, 5}) {
                List<TartanIndex> parts = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    parts.add(TartanIndex.open(fx.uri(), base.withPartition(i, n)));
                }
                try {
                    for (int qi = 0; qi < 15; qi++) {
                        float[] q = fx.query(qi * 37 % TestIndex.DOCS, qi % 3 == 0 ? 20 : 32);
                        float[] other = fx.query((qi * 37 + 11) % TestIndex.DOCS, 32);
                        // k 150: more than a partition of 400/3 or 400/5 documents holds
                        for (int k : new int[] {1, 10, 150}) {
                            for (SearchParams params : MODES) {
                                String what = n + " partitions, query " + qi + ", k " + k + ", " + params;
                                List<CandidatePool> pools = new ArrayList<>();
                                List<SearchResult> tops = new ArrayList<>();
                                for (TartanIndex p : parts) {
                                    // another query's full score table in this thread's scratch: a pool that read
                                    // a row it did not score (ngroups) would take that query's scores
                                    whole.search(other, k, SearchParams.defaults());
                                    pools.add(p.candidatePool(q, k, params));
                                    tops.add(p.search(q, k, params));
                                }
                                SearchResult single = whole.search(q, k, params);
                                SearchResult merged = CandidatePoolMerger.result(CandidatePoolMerger.merge(pools));
                                assertEquals(single.hits(), merged.hits(), what);
                                assertEquals(single.candidates(), merged.candidates(), what);
                                assertEquals(single.version(), merged.version(), what);
                                // any order of merging, and a pool merged twice, give the same
                                List<CandidatePool> reversed = new ArrayList<>(pools);
                                java.util.Collections.reverse(reversed);
                                reversed.add(pools.get(0));
                                assertEquals(single.hits(),
                                        CandidatePoolMerger.result(CandidatePoolMerger.merge(reversed)).hits(), what);
                                if (!SearchResult.merge(tops, k).hits().equals(single.hits())) {
                                    oldMergeDiffers++;
                                }
                                ties += tiedNeighbours(single);
                            }
                        }
                    }
                } finally {
                    parts.forEach(TartanIndex::close);
                }
            }
        }
        if (twins) {
            assertTrue(ties > 0, "the twins index gave no tied scores");
        }
        return oldMergeDiffers;
    }

    private static int tiedNeighbours(SearchResult r) {
        int ties = 0;
        for (int i = 1; i < r.hits().size(); i++) {
            if (r.hits().get(i).score() == r.hits().get(i - 1).score()) {
                ties++;
            }
        }
        return ties;
    }

    @Test
    void poolsOfDifferentSearchesAndUnsupportedModesAreRejected() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache"), false);
        try (TartanIndex whole = TartanIndex.open(fx.uri(), base)) {
            float[] q = fx.query(5, 32);
            CandidatePool fast = whole.candidatePool(q, 10, SearchParams.defaults());
            CandidatePool plaid = whole.candidatePool(q, 10, SearchParams.plaid());
            CandidatePool k20 = whole.candidatePool(q, 20, SearchParams.defaults());
            CandidatePool grouped = whole.candidatePool(q, 10, SearchParams.defaults().withNgroups(2));
            assertThrows(IllegalArgumentException.class, () -> CandidatePoolMerger.merge(fast, plaid));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CandidatePoolMerger.merge(fast, grouped));
            assertTrue(e.getMessage().contains("ngroups 2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CandidatePoolMerger.merge(fast, k20));
            assertThrows(IllegalArgumentException.class, () -> CandidatePoolMerger.merge(List.of()));
            assertThrows(IllegalArgumentException.class,
                    () -> whole.candidatePool(q, 10, SearchParams.defaults().withMode(SearchParams.Mode.EXACT)));
            assertThrows(IllegalArgumentException.class,
                    () -> whole.candidatePool(q, 10, SearchParams.defaults().withFilter("lang = 'en'")));
            assertThrows(IllegalArgumentException.class, () -> whole.candidatePool(q, 0, SearchParams.defaults()));
            // a whole index's own pool is its result
            assertEquals(whole.search(q, 10).hits(), CandidatePoolMerger.result(fast).hits());
        }
    }
}
