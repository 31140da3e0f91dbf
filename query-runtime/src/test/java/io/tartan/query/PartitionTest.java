package io.tartan.query;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Serving an index as n partitions: disjoint, balanced, and exact search merged over them equals one node's. */
class PartitionTest {
    @TempDir
    Path dir;

    @Test
    void exactSearchMergedOverPartitionsEqualsTheSingleNodeResult() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        fx.delete(3, 150, 151, 399);
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache"), false);
        try (TartanIndex whole = TartanIndex.open(fx.uri(), base)) {
            for (int n : new int[] {1, 2, 3, 7}) {
                List<TartanIndex> parts = open(fx, base, n);
                try {
                    for (int i = 0; i < 12; i++) {
                        float[] q = fx.query(i * 31 % TestIndex.DOCS, 32);
                        for (int k : new int[] {10, 1000}) {
                            List<SearchResult> rs = new ArrayList<>();
                            for (TartanIndex p : parts) {
                                SearchResult r = p.searchExact(q, k);
                                assertEquals(p.partition(), r.partition());
                                rs.add(r);
                            }
                            SearchResult merged = SearchResult.merge(rs, k);
                            SearchResult single = whole.searchExact(q, k);
                            assertEquals(single.hits(), merged.hits(), n + " partitions, k " + k);
                        }
                    }
                } finally {
                    parts.forEach(TartanIndex::close);
                }
            }
        }
    }

    @Test
    void partitionsAreDisjointAndBalancedEvenWithFewerShardsThanPartitions() {
        for (int shardDocs : new int[] {1000, 70}) {
            TestIndex fx = TestIndex.build(dir.resolve("idx-" + shardDocs), shardDocs);
            OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache"), false);
            for (int n : new int[] {3, 4, 9}) {
                List<TartanIndex> parts = open(fx, base, n);
                Set<String> seen = new HashSet<>();
                int total = 0;
                for (TartanIndex p : parts) {
                    IndexSnapshot s = p.snapshot();
                    assertTrue(Math.abs(s.numDocs() - TestIndex.DOCS / (double) n) <= 1.5,
                            shardDocs + " docs a shard, " + n + " partitions: partition " + p.partition() + " has " + s.numDocs());
                    for (SearchHit h : p.searchExact(fx.query(1, 8), TestIndex.DOCS).hits()) {
                        assertTrue(seen.add(h.docId()), h.docId() + " served by two partitions");
                    }
                    total += s.numDocs();
                    p.close();
                }
                assertEquals(TestIndex.DOCS, total);
                assertEquals(TestIndex.DOCS, seen.size());
            }
        }
    }

    @Test
    void fastSearchPerPartitionFindsAtLeastTheSingleNodeHitsOfItsDocuments() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache"), false);
        try (TartanIndex whole = TartanIndex.open(fx.uri(), base)) {
            List<TartanIndex> parts = open(fx, base, 3);
            try {
                for (int i = 0; i < 10; i++) {
                    float[] q = fx.query(i * 17, 32);
                    Set<String> exact = SearchTest.ids(whole.searchExact(q, 10));
                    List<SearchResult> rs = new ArrayList<>();
                    for (TartanIndex p : parts) {
                        rs.add(p.search(q, 10));
                    }
                    long single = whole.search(q, 10).hits().stream().filter(h -> exact.contains(h.docId())).count();
                    long merged = SearchResult.merge(rs, 10).hits().stream().filter(h -> exact.contains(h.docId())).count();
                    assertTrue(merged >= single, "query " + i + ": merged " + merged + " < single " + single);
                }
            } finally {
                parts.forEach(TartanIndex::close);
            }
        }
    }

    /**
     * Each partition's share of a query's BM25 statistics counts the shards whose first row it serves; summed, they
     * are the whole index's, and partitions scoring with the sum give every document one node's BM25 score (bit for
     * bit), so their top-k lists merge to one node's result. With their own statistics they do not, unless the index
     * is one shard (each partition then opens all of it).
     */
    @Test
    void bm25WithThePartitionsSummedStatisticsEqualsTheSingleNodeResult() {
        String[] texts = {"topic3 topic17", "document about topic40 uniqueword12", "topic5 topic5 topic9 topic61",
            "uniqueword399 topic0"};
        SearchParams bm25 = SearchParams.defaults().withMode(SearchParams.Mode.BM25);
        for (int shardDocs : new int[] {70, 1000}) {
            TestIndex fx = TestIndex.build(dir.resolve("text-" + shardDocs), shardDocs, true);
            fx.delete(3, 150, 151, 398);
            OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache"), false);
            try (TartanIndex whole = TartanIndex.open(fx.uri(), base)) {
                for (int n : new int[] {2, 3, 7}) {
                    List<TartanIndex> parts = open(fx, base, n);
                    try {
                        boolean ownDiffer = false;
                        for (String text : texts) {
                            List<io.tartan.query.text.Bm25Statistics> shares = new ArrayList<>();
                            parts.forEach(p -> shares.add(p.bm25Statistics(text)));
                            io.tartan.query.text.Bm25Statistics sum = io.tartan.query.text.Bm25Statistics.sum(shares);
                            String what = shardDocs + " docs a shard, " + n + " partitions, '" + text + "'";
                            assertEquals(whole.bm25Statistics(text), sum, what);
                            for (SearchParams p : new SearchParams[] {bm25, bm25.withFilter("lang = 'en'")}) {
                                for (int k : new int[] {10, 1000}) {
                                    List<SearchResult> global = new ArrayList<>();
                                    List<SearchResult> own = new ArrayList<>();
                                    for (TartanIndex part : parts) {
                                        global.add(part.search(text, null, k, p, sum));
                                        own.add(part.search(text, null, k, p, null));
                                    }
                                    List<SearchHit> single = whole.search(text, k, p).hits();
                                    assertFalse(single.isEmpty(), what);
                                    assertEquals(single, SearchResult.merge(global, k).hits(), what + ", k " + k);
                                    ownDiffer |= !single.equals(SearchResult.merge(own, k).hits());
                                }
                            }
                        }
                        // one shard: every partition opens all of it, so its own statistics are the whole index's
                        assertEquals(shardDocs < TestIndex.DOCS, ownDiffer, "own statistics give other scores");
                        io.tartan.query.text.Bm25Statistics other = whole.bm25Statistics("topic3");
                        assertThrows(IllegalArgumentException.class, () -> parts.get(0).search("topic3 topic4", null,
                                10, bm25, other), "statistics without a query term");
                        io.tartan.query.text.Bm25Statistics old = new io.tartan.query.text.Bm25Statistics(
                                other.version() + 1, other.maxDoc(), other.docCount(), other.sumTotalTermFreq(),
                                other.sumDocFreq(), other.terms());
                        assertThrows(IllegalArgumentException.class, () -> parts.get(0).search("topic3", null, 10, bm25,
                                old), "statistics of another version");
                    } finally {
                        parts.forEach(TartanIndex::close);
                    }
                }
            }
        }
    }

    /**
     * Rerank and hybrid: each partition's text pool (its BM25 top depth scored with the summed statistics, and the
     * exact scores of those or its FAST candidate pool) merges to exactly one node's result, for both fusions and
     * several depths; a partition's own top-k lists would not (it reranks or fuses its own top depth).
     */
    @Test
    void rerankAndHybridTextPoolsMergedEqualTheSingleNodeResult() {
        TestIndex fx = TestIndex.build(dir.resolve("text-pools"), 70, true);
        fx.delete(3, 150, 151, 398);
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache"), false);
        try (TartanIndex whole = TartanIndex.open(fx.uri(), base)) {
            for (int n : new int[] {2, 3, 7}) {
                List<TartanIndex> parts = open(fx, base, n);
                try {
                    boolean listsDiffer = false;
                    for (int target : new int[] {7, 120, 333}) {
                        String text = "topic" + fx.docCentres[target][0] + " topic" + fx.docCentres[(target + 1) % TestIndex.DOCS][1]
                                + " uniqueword" + target;
                        float[] q = fx.query(target, 16);
                        List<io.tartan.query.text.Bm25Statistics> shares = new ArrayList<>();
                        parts.forEach(p -> shares.add(p.bm25Statistics(text)));
                        io.tartan.query.text.Bm25Statistics sum = io.tartan.query.text.Bm25Statistics.sum(shares);
                        SearchParams rerank = SearchParams.defaults().withMode(SearchParams.Mode.RERANK);
                        SearchParams hybrid = SearchParams.defaults().withMode(SearchParams.Mode.HYBRID);
                        SearchParams[] settings = {rerank, rerank.withDepth(7), rerank.withFilter("lang = 'en'"),
                            hybrid, hybrid.withDepth(12), hybrid.withFusion(io.tartan.query.text.Fusion.RELATIVE_SCORE)
                                .withAlpha(0.3f)};
                        for (SearchParams p : settings) {
                            for (int k : new int[] {5, 10}) {
                                String what = n + " partitions, target " + target + ", " + p + ", k " + k;
                                List<TextPool> pools = new ArrayList<>();
                                List<SearchResult> lists = new ArrayList<>();
                                for (TartanIndex part : parts) {
                                    pools.add(part.textPool(text, q, k, p, sum));
                                    lists.add(part.search(text, q, k, p, sum));
                                }
                                List<SearchHit> single = whole.search(text, q, k, p).hits();
                                assertEquals(k, single.size(), what);
                                assertEquals(single, TextPool.merge(pools, k).hits(), what);
                                listsDiffer |= !single.equals(SearchResult.merge(lists, k).hits());
                            }
                        }
                    }
                    assertTrue(listsDiffer, "the partitions' own top-k lists merge to another result");
                } finally {
                    parts.forEach(TartanIndex::close);
                }
            }
        }
    }

    @Test
    void moreThanOnePartitionPerDocumentLeavesSomeEmptyAndTheyAnswerWithNothing() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache"), false);
        try (TartanIndex empty = TartanIndex.open(fx.uri(), base.withPartition(0, TestIndex.DOCS + 1))) {
            assertEquals(0, empty.snapshot().numDocs());
            float[] q = fx.query(0, 16);
            assertTrue(empty.search(q, 10).hits().isEmpty());
            assertTrue(empty.search(q, 10, SearchParams.plaid()).hits().isEmpty());
            assertTrue(empty.searchExact(q, 10).hits().isEmpty());
            assertTrue(empty.rerank(q, List.of(TestIndex.docId(0))).hits().isEmpty());
        }
    }

    @Test
    void badPartitionsAndMixedVersionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> OpenOptions.defaults().withPartition(3, 3));
        assertThrows(IllegalArgumentException.class, () -> OpenOptions.defaults().withPartition(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> OpenOptions.defaults().withPartition(0, 0));
        SearchResult a = new SearchResult(List.of(), 1, 0, new Partition(0, 2));
        SearchResult b = new SearchResult(List.of(), 2, 0, new Partition(1, 2));
        assertThrows(IllegalArgumentException.class, () -> SearchResult.merge(List.of(a, b), 10));
        assertEquals("1/2", new Partition(1, 2).toString());
    }

    private static List<TartanIndex> open(TestIndex fx, OpenOptions base, int n) {
        List<TartanIndex> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(TartanIndex.open(fx.uri(), base.withPartition(i, n)));
        }
        return parts;
    }
}
