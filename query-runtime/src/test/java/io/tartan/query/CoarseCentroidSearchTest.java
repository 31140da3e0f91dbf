package io.tartan.query;

import io.tartan.format.kmeans.CentroidGrouping;
import io.tartan.query.search.CoarseStageOne;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FAST search with {@code ngroups} (a coarse level over the centroids instead of scoring every centroid) on a real
 * small index: with every group expanded it is the full path exactly; with few groups its scores stay exact MaxSim
 * and its recall against exhaustive search stays high.
 */
class CoarseCentroidSearchTest {
    @TempDir
    static Path dir;
    static TestIndex fixture;
    static TartanIndex index;
    static int groups;

    @BeforeAll
    static void build() {
        fixture = TestIndex.build(dir.resolve("idx"));
        index = TartanIndex.open(fixture.uri());
        groups = index.snapshot().centroidGroups().groups();
    }

    private static SearchParams fast(int ngroups) {
        return SearchParams.defaults().withNgroups(ngroups);
    }

    @Test
    void theGroupsCoverEveryCentroidOnce() {
        CentroidGrouping g = CentroidGrouping.of(index.snapshot().centroids(), TestIndex.DIM, 0, 1);
        assertEquals(CentroidGrouping.defaultGroups(TestIndex.CENTRES), g.groups());
        assertTrue(g.groups() > 2, "the test index must have several groups, has " + g.groups());
        BitSet seen = new BitSet();
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int j = g.start()[grp]; j < g.start()[grp + 1]; j++) {
                int c = g.members()[j];
                assertTrue(!seen.get(c), "centroid " + c + " in two groups");
                seen.set(c);
                assertEquals(grp, g.groupOf()[c]);
            }
        }
        assertEquals(TestIndex.CENTRES, seen.cardinality());
        assertEquals(groups, index.snapshot().centroidGroups().groups());
    }

    /** Every group expanded scores every centroid with the same kernel: the same hits, scores and candidates. */
    @Test
    void withEveryGroupExpandedItIsTheFullPathExactly() {
        for (int i = 0; i < 30; i++) {
            int nq = 17 + i % 16; // 17..32 tokens: the 32-column path the coarse level serves
            float[] q = fixture.query(i * 13 % TestIndex.DOCS, nq);
            for (int k : new int[] {1, 10, 50}) {
                SearchResult full = index.search(q, k, fast(0));
                SearchResult all = index.search(q, k, fast(groups));
                SearchResult more = index.search(q, k, fast(groups + 5));
                assertEquals(full.hits(), all.hits(), "query " + i + " k " + k);
                assertEquals(full.candidates(), all.candidates(), "query " + i + " k " + k);
                assertEquals(full.hits(), more.hits(), "ngroups above the group count means all groups");
            }
        }
    }

    /**
     * One to three groups a token leave most (token, centroid) pairs unscored in stage 1; stage 4 must still score the kept documents
     * exactly (their codes scored on demand), so every hit's score is its exhaustive exact score, bit for bit.
     */
    @Test
    void withFewGroupsTheScoresAreStillExactMaxSim() {
        int differ = 0;
        for (int i = 0; i < 40; i++) {
            float[] q = fixture.query(i * 7 % TestIndex.DOCS, 32);
            SearchResult coarse = index.search(q, 10, fast(1 + i % 3));
            List<String> ids = new ArrayList<>();
            coarse.hits().forEach(h -> ids.add(h.docId()));
            SearchResult exact = index.rerank(q, ids);
            assertEquals(exact.hits().size(), coarse.hits().size());
            for (SearchHit h : coarse.hits()) {
                float want = exact.hits().stream().filter(e -> e.docId().equals(h.docId())).findFirst().orElseThrow().score();
                assertEquals(want, h.score(), 0f, "query " + i + " " + h.docId());
            }
            differ += coarse.hits().equals(index.search(q, 10, fast(0)).hits()) ? 0 : 1;
        }
        assertTrue(differ < 40, "the coarse path should mostly agree with the full one");
    }

    /**
     * Per-token expansion: each token is scored against the members of its own {@code ngroups} best groups only, and
     * each of those scores is the full product's float for that (token, centroid) pair, bit for bit.
     */
    @Test
    void eachTokenIsScoredAgainstItsOwnGroupsExactlyAsTheFullProduct() {
        IndexSnapshot snap = index.snapshot();
        for (int ngroups : new int[] {1, 2, 3}) {
            for (int qi = 0; qi < 6; qi++) {
                int nq = 17 + qi * 3;
                float[] q = fixture.query(qi * 17 % TestIndex.DOCS, nq);
                index.search(q, 10, fast(ngroups));
                float[] full = CoarseStageOne.fullProduct(snap, q);
                for (int i = 0; i < nq; i++) {
                    BitSet groupsOfToken = new BitSet();
                    int scored = 0;
                    for (int c = 0; c < TestIndex.CENTRES; c++) {
                        float v = CoarseStageOne.scoredPair(i, c);
                        if (Float.isNaN(v)) {
                            continue;
                        }
                        scored++;
                        groupsOfToken.set(CoarseStageOne.groupOf(snap, c));
                        assertEquals(Float.floatToRawIntBits(full[c * 32 + i]), Float.floatToRawIntBits(v),
                                "ngroups " + ngroups + " query " + qi + " token " + i + " centroid " + c);
                    }
                    // whole groups, no more of them than the token expanded
                    int members = groupsOfToken.stream().map(g -> CoarseStageOne.groupSize(snap, g)).sum();
                    assertEquals(members, scored, "token " + i + " scores whole groups");
                    assertTrue(groupsOfToken.cardinality() <= ngroups && groupsOfToken.cardinality() >= 1,
                            "token " + i + " expanded " + groupsOfToken);
                }
            }
        }
    }

    /**
     * A query whose tokens are centroids of different groups: with one group a token, each token is scored against
     * its own centroid's group only (k-means put the centroid in the group whose centre it is nearest), not the union
     * of the groups the query expanded, and the results are still exact MaxSim.
     */
    @Test
    void tokensThatChooseDisjointGroupsAreScoredOnlyAgainstTheirOwn() {
        IndexSnapshot snap = index.snapshot();
        float[] centroids = snap.centroids();
        // one centroid from each group, in turn, until 20 tokens (some groups then twice: tokens 0.. differ)
        List<Integer> byGroup = new ArrayList<>();
        BitSet taken = new BitSet();
        for (int c = 0; c < TestIndex.CENTRES; c++) {
            int g = CoarseStageOne.groupOf(snap, c);
            if (!taken.get(g)) {
                taken.set(g);
                byGroup.add(c);
            }
        }
        assertTrue(byGroup.size() >= 3, "needs groups to choose from, has " + byGroup.size());
        int nq = 20;
        float[] q = new float[nq * TestIndex.DIM];
        int[] tokenCentroid = new int[nq];
        for (int i = 0; i < nq; i++) {
            tokenCentroid[i] = byGroup.get(i % byGroup.size());
            System.arraycopy(centroids, tokenCentroid[i] * TestIndex.DIM, q, i * TestIndex.DIM, TestIndex.DIM);
        }
        SearchResult r = index.search(q, 10, fast(1));
        for (int i = 0; i < nq; i++) {
            int own = CoarseStageOne.groupOf(snap, tokenCentroid[i]);
            for (int c = 0; c < TestIndex.CENTRES; c++) {
                boolean scored = !Float.isNaN(CoarseStageOne.scoredPair(i, c));
                assertEquals(CoarseStageOne.groupOf(snap, c) == own, scored,
                        "token " + i + " (group " + own + ") against centroid " + c);
            }
        }
        List<String> ids = new ArrayList<>();
        r.hits().forEach(h -> ids.add(h.docId()));
        SearchResult exact = index.rerank(q, ids);
        for (SearchHit h : r.hits()) {
            float want = exact.hits().stream().filter(e -> e.docId().equals(h.docId())).findFirst().orElseThrow().score();
            assertEquals(want, h.score(), 0f, h.docId());
        }
    }

    @Test
    void withFewGroupsRecallAgainstExhaustiveStaysHigh() {
        double one = 0;
        double two = 0;
        int queries = 40;
        for (int i = 0; i < queries; i++) {
            float[] q = fixture.query(i * 11 % TestIndex.DOCS, 32);
            Set<String> exact = SearchTest.ids(index.searchExact(q, 10));
            one += SearchTest.overlap(exact, index.search(q, 10, fast(1)));
            two += SearchTest.overlap(exact, index.search(q, 10, fast(2)));
        }
        one /= 10.0 * queries;
        two /= 10.0 * queries;
        assertTrue(one >= 0.85, "recall@10 with 1 group a token " + one);
        assertTrue(two >= 0.9, "recall@10 with 2 groups a token " + two);
    }

    /** Queries outside 17–32 tokens, PLAID and threshold pruning score every centroid whatever ngroups says. */
    @Test
    void otherQueryLengthsPlaidAndPruningScoreEveryCentroid() {
        for (int nq : new int[] {5, 16, 40}) {
            float[] q = fixture.query(3, nq);
            assertEquals(index.search(q, 10, fast(0)).hits(), index.search(q, 10, fast(1)).hits(), "nq " + nq);
        }
        float[] q = fixture.query(8, 32);
        assertEquals(index.search(q, 10, SearchParams.plaid()).hits(),
                index.search(q, 10, SearchParams.plaid().withNgroups(1)).hits());
        assertEquals(0, SearchParams.plaid().withNgroups(1).resolve(10, 16384).ngroups());
        assertEquals(0, fast(3).withCentroidScoreThreshold(0.4f).resolve(10, 16384).ngroups());
        assertEquals(3, fast(3).resolve(10, 16384).ngroups());
        assertEquals(SearchParams.FAST_NGROUPS, SearchParams.defaults().resolve(10, 16384).ngroups());
        assertThrows(IllegalArgumentException.class, () -> fast(-1));
    }

    @Test
    void aFilterStillGetsOnlyAllowedDocuments() {
        for (int i = 0; i < 3; i++) {
            float[] q = fixture.query(21 + i, 32);
            // more allowed documents than ndocs (256), so the filter applies to the probed candidates
            BitSet allowed = new BitSet();
            for (int row = 0; row < TestIndex.DOCS; row++) {
                allowed.set(row, row % 3 != i);
            }
            SearchResult r = new io.tartan.query.search.Searcher().search(index.snapshot(), q, 10, fast(1), allowed);
            assertEquals(10, r.hits().size());
            for (SearchHit h : r.hits()) {
                assertTrue(allowed.get(index.snapshot().rowOf(h.docId())), h.docId());
            }
        }
    }
}
