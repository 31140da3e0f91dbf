package io.tartan.query;

import io.tartan.query.text.FilterSyntaxException;
import io.tartan.query.text.Fusion;
import io.tartan.query.text.MetadataFilter;
import org.apache.lucene.index.IndexReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text modes (bm25, rerank, hybrid), metadata filters in every mode and deletes, on a real index with BM25. */
class HybridSearchTest {
    @TempDir
    static Path dir;
    static TestIndex ix;

    @BeforeAll
    static void build() {
        ix = TestIndex.build(dir.resolve("idx"), 70, true);
    }

    private static SearchParams mode(SearchParams.Mode m) {
        return SearchParams.defaults().withMode(m);
    }

    @Test
    void bm25FindsTheDocumentWithAUniqueWord() {
        try (TartanIndex idx = TartanIndex.open(ix.root.toString())) {
            SearchResult r = idx.search("uniqueword123", 5, mode(SearchParams.Mode.BM25));
            assertEquals(TestIndex.docId(123), r.hits().get(0).docId());
            assertEquals(1, r.hits().size(), "only one document has the word");
            assertEquals("document about", idx.document(r.hits().get(0)).text().substring(0, 14));
        }
    }

    @Test
    void bm25StatisticsAreGlobalAcrossShards() {
        // a word in every document scores the same everywhere only if df and avgdl are the index's, not a shard's
        try (TartanIndex idx = TartanIndex.open(ix.root.toString())) {
            SearchResult r = idx.search("document", TestIndex.DOCS, mode(SearchParams.Mode.BM25));
            assertEquals(TestIndex.DOCS, r.hits().size());
        }
    }

    @Test
    void everyModeReturnsTheTargetAndHonoursTheFilter() {
        int target = 42;
        String text = TestIndex.text(ix.docCentres[target], target);
        float[] q = ix.query(target, 16);
        try (TartanIndex idx = TartanIndex.open(ix.root.toString())) {
            for (SearchParams.Mode m : SearchParams.Mode.values()) {
                SearchResult r = idx.search(text, q, 10, mode(m));
                assertEquals(10, r.hits().size(), m.label());
                if (m != SearchParams.Mode.PLAID) {
                    assertTrue(r.hits().stream().limit(3).anyMatch(h -> h.docId().equals(TestIndex.docId(target))),
                            m.label() + " " + r.hits());
                }
                SearchResult f = idx.search(text, q, 10, mode(m).withFilter("lang = \"fr\" AND year >= 2020"));
                assertEquals(10, f.hits().size(), m.label() + " filtered");
                for (SearchHit h : f.hits()) {
                    int d = Integer.parseInt(h.docId().replaceAll("\\D", ""));
                    assertTrue(d % 2 == 1 && 2000 + d % 30 >= 2020, m.label() + ": " + h.docId() + " fails the filter");
                }
            }
            for (Fusion fu : Fusion.values()) {
                SearchResult r = idx.search(text, q, 10, mode(SearchParams.Mode.HYBRID).withFusion(fu));
                assertEquals(TestIndex.docId(target), r.hits().get(0).docId(), fu.label());
            }
        }
    }

    @Test
    void aSelectiveFilterStillReturnsKResults() {
        // year = 2005 AND lang = "fr": 400 / 30 / 2 ≈ 7 documents, fewer than ndocs: every one is scored exactly
        float[] q = ix.query(7, 16);
        try (TartanIndex idx = TartanIndex.open(ix.root.toString())) {
            SearchResult r = idx.search(q, 5, SearchParams.defaults().withFilter("year IN (2005, 2007) AND lang = 'fr'"));
            assertEquals(5, r.hits().size());
            SearchResult all = idx.search(q, 100, SearchParams.defaults().withFilter("year IN (2005, 2007) AND lang = 'fr'"));
            long expected = java.util.stream.IntStream.range(0, TestIndex.DOCS)
                    .filter(d -> d % 2 == 1 && (d % 30 == 5 || d % 30 == 7)).count();
            assertEquals(expected, all.hits().size());
        }
    }

    @Test
    void aFilterAllowingNoMoreThanTheProbeFoundRanksEveryAllowedDocument() {
        // lang = 'en' allows the 200 even documents: more than ndocs 64 (no exhaustive fallback) but no more than the
        // probed cells hold. The queries target odd documents, so the allowed set's best are weaker matches whose
        // tokens often lie outside the probed cells: every allowed document must be a candidate, not only the
        // probed ones, and the filtered top 10 must then match exact MaxSim over the allowed documents
        SearchParams p = SearchParams.defaults().withNcells(4).withNdocs(64).withFilter("lang = 'en'");
        try (TartanIndex idx = TartanIndex.open(ix.root.toString())) {
            double overlap = 0;
            int queries = 0;
            for (int target = 1; target < 80; target += 2, queries++) {
                float[] q = ix.query(target, 16);
                SearchResult r = idx.search(q, 10, p);
                assertEquals(200, r.candidates(), "target " + target + ": every allowed document is a candidate");
                List<String> exact = idx.search(q, 10, p.withMode(SearchParams.Mode.EXACT)).hits().stream()
                        .map(SearchHit::docId).toList();
                overlap += io.tartan.query.eval.RetrievalMetrics.overlap(
                        r.hits().stream().map(SearchHit::docId).toList(), exact, 10);
            }
            assertTrue(overlap / queries >= 0.85, "recall@10 vs exact MaxSim over the allowed documents: "
                    + overlap / queries);
        }
    }

    @Test
    void deletedDocumentsNeverComeBack() {
        Path copy = dir.resolve("deleted");
        TestIndex del = TestIndex.build(copy, 70, true);
        int target = 10;
        del.delete(target);
        String text = TestIndex.text(del.docCentres[target], target);
        float[] q = del.query(target, 16);
        try (TartanIndex idx = TartanIndex.open(copy.toString())) {
            for (SearchParams.Mode m : SearchParams.Mode.values()) {
                for (String filter : new String[] {null, "lang = 'en'"}) {
                    SearchResult r = idx.search(text, q, 20, mode(m).withFilter(filter));
                    Set<String> ids = r.hits().stream().map(SearchHit::docId).collect(Collectors.toSet());
                    assertFalse(ids.contains(TestIndex.docId(target)), m.label() + " filter " + filter);
                }
            }
            assertTrue(idx.search("uniqueword10", 5, mode(SearchParams.Mode.BM25)).hits().isEmpty());
        }
    }

    @Test
    void searchExactAppliesTheFilterLikeExactMode() {
        float[] q = ix.query(43, 16);
        SearchParams en = SearchParams.defaults().withFilter("lang = 'en'");
        try (TartanIndex idx = TartanIndex.open(ix.root.toString())) {
            SearchResult direct = idx.searchExact(q, 20, en);
            SearchResult viaMode = idx.search(q, 20, en.withMode(SearchParams.Mode.EXACT));
            assertEquals(20, direct.hits().size());
            for (SearchHit h : direct.hits()) {
                int d = Integer.parseInt(h.docId().substring("doc-".length()));
                assertEquals(0, d % 2, h.docId() + " is not lang = 'en'");
            }
            assertEquals(viaMode.hits().stream().map(SearchHit::docId).toList(),
                    direct.hits().stream().map(SearchHit::docId).toList());
            assertFalse(direct.hits().stream().anyMatch(h -> h.docId().equals(TestIndex.docId(43))),
                    "the target (odd, lang fr) must be filtered out");
        }
    }

    @Test
    void aReloadReusesTheTextIndexesOfUnchangedShards() {
        Path copy = dir.resolve("reload");
        TestIndex re = TestIndex.build(copy, 70, true);
        int shards = (TestIndex.DOCS + 69) / 70;
        try (TartanIndex idx = TartanIndex.open(copy.toString())) {
            assertEquals(TestIndex.docId(11), idx.search("uniqueword11", 5, mode(SearchParams.Mode.BM25)).hits().get(0).docId());
            List<Object> before = leaves(idx);
            assertEquals(shards, idx.textIndexCache().opened());
            re.delete(11);
            assertTrue(idx.refresh());
            assertTrue(idx.search("uniqueword11", 5, mode(SearchParams.Mode.BM25)).hits().isEmpty());
            assertEquals(TestIndex.docId(12), idx.search("uniqueword12", 5, mode(SearchParams.Mode.BM25)).hits().get(0).docId());
            assertEquals(shards, idx.textIndexCache().opened(), "no text index reopened: no shard changed");
            List<Object> after = leaves(idx);
            assertEquals(before.size(), after.size());
            for (int i = 0; i < before.size(); i++) {
                assertTrue(before.get(i) == after.get(i), "shard " + i + "'s text reader was reopened");
            }
        }
    }

    @Test
    void closingTheIndexClosesItsTextIndexReaders() {
        TartanIndex idx = TartanIndex.open(ix.root.toString());
        assertEquals(TestIndex.docId(11), idx.search("uniqueword11", 5, mode(SearchParams.Mode.BM25)).hits().get(0).docId());
        List<IndexReader> shards = shardReaders(idx);
        assertFalse(shards.isEmpty());
        shards.forEach(r -> assertTrue(r.getRefCount() > 0));
        idx.close();
        for (IndexReader r : shards) {
            assertEquals(0, r.getRefCount(), "a shard's text index reader is still open after close");
        }
        idx.close();
    }

    @Test
    void aReplacedSnapshotsTextIndexReadersCloseOnceItIsReleased() throws InterruptedException {
        Path copy = dir.resolve("replaced");
        TestIndex re = TestIndex.build(copy, 70, true);
        try (TartanIndex idx = TartanIndex.open(copy.toString())) {
            assertEquals(TestIndex.docId(11), idx.search("uniqueword11", 5, mode(SearchParams.Mode.BM25)).hits().get(0).docId());
            List<IndexReader> old = shardReaders(idx);
            // what loading a snapshot that shares no shard with this one does: the cache lets go of every reader
            idx.textIndexCache().retain(List.of());
            assertEquals(0, idx.textIndexCache().size());
            assertEquals(TestIndex.docId(12), idx.search("uniqueword12", 5, mode(SearchParams.Mode.BM25)).hits().get(0).docId(),
                    "the snapshot served still answers: its readers stay open while it uses them");
            old.forEach(r -> assertTrue(r.getRefCount() > 0));

            re.delete(11);
            assertTrue(idx.refresh());
            assertTrue(idx.search("uniqueword11", 5, mode(SearchParams.Mode.BM25)).hits().isEmpty());
            assertFalse(shardReaders(idx).stream().anyMatch(old::contains), "the new snapshot opened its own readers");
            // the old snapshot is unreachable now: its readers close when the collector finds it so
            for (int i = 0; i < 200 && old.stream().anyMatch(r -> r.getRefCount() > 0); i++) {
                System.gc();
                Thread.sleep(50);
            }
            for (IndexReader r : old) {
                assertEquals(0, r.getRefCount(), "a reader of the replaced snapshot was never closed");
            }
            assertEquals(TestIndex.docId(12), idx.search("uniqueword12", 5, mode(SearchParams.Mode.BM25)).hits().get(0).docId());
        }
    }

    /** The snapshot's shard text index readers (the children of its MultiReader). */
    private static List<IndexReader> shardReaders(TartanIndex idx) {
        return idx.snapshot().textIndexes().searcher().getIndexReader().getContext().children().stream()
                .map(c -> (IndexReader) c.reader()).toList();
    }

    private static List<Object> leaves(TartanIndex idx) {
        return idx.snapshot().textIndexes().searcher().getIndexReader().leaves().stream()
                .map(l -> (Object) l.reader()).toList();
    }

    @Test
    void textModesNeedText() {
        try (TartanIndex idx = TartanIndex.open(ix.root.toString())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> idx.search(ix.query(1, 8), 5, mode(SearchParams.Mode.BM25)));
            assertTrue(e.getMessage().contains("needs query text"), e.getMessage());
        }
    }

    @Test
    void filterErrorsNameThePosition() {
        List<String[]> cases = List.of(
                new String[] {"lang = ", "position 8", "expected a value"},
                new String[] {"lang = \"en", "position 8", "unterminated string"},
                new String[] {"year >= \"x\"", "position 6", "needs a number"},
                new String[] {"lang \"en\"", "position 6", "expected an operator"},
                new String[] {"(lang = 'en'", "position 13", "expected ')'"},
                new String[] {"lang = 'en' year = 1", "position 13", "expected AND, OR"},
                new String[] {"AND = 1", "position 1", "keyword AND"},
                new String[] {"year IN (1, 2", "position 14", "expected ')'"},
                new String[] {"lang = en", "position 8", "quoted string"},
                new String[] {"  ", "position 1", "empty"});
        for (String[] c : cases) {
            FilterSyntaxException e = assertThrows(FilterSyntaxException.class, () -> MetadataFilter.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains(c[2]), c[0] + " -> " + e.getMessage());
        }
        // valid forms parse
        for (String ok : List.of("lang = \"en\" AND year >= 2020", "NOT (lang IN ('en', 'de') OR year < 2001)",
                "lang != 'en'", "year NOT IN (2001, 2002)", "a.b-c_d = 1.5e3", "x = 'it\\'s'", "not lang = 'en' or year <= 3")) {
            MetadataFilter.parse(ok);
        }
    }

    @Test
    void notAndNotEqualAndRangesSelectTheRightDocuments() {
        float[] q = ix.query(3, 16);
        try (TartanIndex idx = TartanIndex.open(ix.root.toString())) {
            SearchResult r = idx.search(q, TestIndex.DOCS, mode(SearchParams.Mode.EXACT)
                    .withFilter("NOT lang = 'en' AND year > 2027 AND year <= 2029"));
            long expected = java.util.stream.IntStream.range(0, TestIndex.DOCS)
                    .filter(d -> d % 2 == 1 && d % 30 > 27).count();
            assertEquals(expected, r.hits().size());
            SearchResult ne = idx.search(q, TestIndex.DOCS, mode(SearchParams.Mode.EXACT).withFilter("lang != 'en'"));
            assertEquals(TestIndex.DOCS / 2, ne.hits().size());
        }
    }

    @Test
    void evalReportsModesSideBySide() {
        java.util.Map<String, java.util.Map<String, Integer>> judged = new java.util.LinkedHashMap<>();
        List<io.tartan.query.eval.EvalQuery> queries = new java.util.ArrayList<>();
        for (int t = 0; t < 12; t++) {
            int target = 17 * t + 3;
            queries.add(new io.tartan.query.eval.EvalQuery("q" + t, "uniqueword" + target, ix.query(target, 16)));
            judged.put("q" + t, java.util.Map.of(TestIndex.docId(target), 1));
        }
        try (TartanIndex idx = TartanIndex.open(ix.root.toString())) {
            io.tartan.query.eval.EvalReport r = new io.tartan.query.eval.Evaluator(idx,
                    new io.tartan.query.eval.Qrels(judged), 10, SearchParams.defaults(), true)
                    .compare(List.of(SearchParams.Mode.BM25, SearchParams.Mode.RERANK, SearchParams.Mode.HYBRID))
                    .run(queries, 0);
            assertEquals(List.of("bm25", "rerank", "hybrid"), List.copyOf(r.compared().keySet()));
            // the query's only word is unique to its target: BM25 ranks it first, and rerank keeps it (its only candidate)
            assertEquals(1.0, r.compared().get("bm25").ndcg10(), 1e-9);
            assertEquals(1.0, r.compared().get("rerank").ndcg10(), 1e-9);
            assertTrue(r.toText().contains("hybrid"), r.toText());
            assertTrue(r.toJson().get("modes").has("bm25"));
        }
    }
}
