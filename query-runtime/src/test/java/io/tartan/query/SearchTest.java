package io.tartan.query;

import io.tartan.format.MaxSim;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchTest {
    @TempDir
    static Path dir;
    static TestIndex fixture;
    static TartanIndex index;
    /** Decompressed vectors of every document, by doc id: the reference for "exact". */
    static Map<String, float[]> decompressed = new HashMap<>();
    /** Centroid codes of every document's tokens, by doc id. */
    static Map<String, int[]> codes = new HashMap<>();

    @BeforeAll
    static void build() {
        fixture = TestIndex.build(dir.resolve("idx"));
        index = TartanIndex.open(fixture.uri());
        Configuration conf = new Configuration();
        IndexLayout layout = new IndexLayout(fixture.uri());
        Manifest m = new ManifestStore(conf, layout).readLatest();
        ResidualCodec codec = index.snapshot().codec();
        for (var shard : m.shards()) {
            ShardReader.read(conf, layout, shard, ShardSpec.of(m.settings()), row -> {
                int[] c = row.decodeCodes(m.settings().numCentroids());
                codes.put(row.docId(), c);
                decompressed.put(row.docId(), codec.decompress(c, row.residuals()));
            });
        }
    }

    private static float exactScore(float[] q, String docId) {
        return MaxSim.score(q, decompressed.get(docId), TestIndex.DIM);
    }

    @Test
    void loadsEveryDocumentAndReportsMemory() {
        IndexSnapshot s = index.snapshot();
        assertEquals(TestIndex.DOCS, s.numDocs());
        assertEquals(decompressed.values().stream().mapToInt(v -> v.length / TestIndex.DIM).sum(), s.numTokens());
        Map<String, Long> mem = s.memory();
        assertEquals(s.numTokens() * s.residualBytesPerToken(), mem.get("mapped_residuals"));
        // the kernels' grouped copy of the centroids, once a search has made it (8- and 16-lane vectors)
        assertEquals(4L * s.numCentroids() * s.dim() + mem.get("heap_centroid_blocks"), mem.get("total"),
                "the heap holds the centroids, no token data");
        assertTrue(mem.get("mapped_total") > mem.get("mapped_residuals"));
    }

    @Test
    void exhaustiveSearchScoresEqualMaxSimOverDecompressedVectors() {
        float[] q = fixture.query(3, 32);
        SearchResult r = index.searchExact(q, 10);
        List<Map.Entry<String, Float>> all = new ArrayList<>();
        for (var e : decompressed.entrySet()) {
            all.add(Map.entry(e.getKey(), MaxSim.score(q, e.getValue(), TestIndex.DIM)));
        }
        all.sort((a, b) -> Float.compare(b.getValue(), a.getValue()));
        for (int i = 0; i < 10; i++) {
            assertEquals(all.get(i).getValue(), r.hits().get(i).score(), 1e-4, "rank " + i);
            assertEquals(all.get(i).getValue(), exactScore(q, r.hits().get(i).docId()), 1e-4);
        }
    }

    @Test
    void rerankReturnsExactScoresBestFirstAndSkipsUnknownIds() {
        float[] q = fixture.query(10, 32);
        List<String> ids = List.of("doc-5", "doc-10", "nope", "doc-77", "doc-10");
        SearchResult r = index.rerank(q, ids);
        assertEquals(3, r.hits().size());
        for (SearchHit h : r.hits()) {
            assertEquals(exactScore(q, h.docId()), h.score(), 1e-4, h.docId());
        }
        assertTrue(r.hits().get(0).score() >= r.hits().get(1).score());
        assertTrue(r.hits().get(1).score() >= r.hits().get(2).score());
    }

    @Test
    void plaidTop10MatchesExactTop10() {
        double fast = 0;
        double plaid = 0;
        int queries = 40;
        for (int i = 0; i < queries; i++) {
            float[] q = fixture.query(i * 7 % TestIndex.DOCS, 32);
            Set<String> exact = ids(index.searchExact(q, 10));
            fast += overlap(exact, index.search(q, 10));
            plaid += overlap(exact, index.search(q, 10, SearchParams.plaid()));
            SearchResult r = index.search(q, 10);
            for (SearchHit h : r.hits()) {
                assertEquals(exactScore(q, h.docId()), h.score(), 1e-4, "stage 4 scores are exact");
            }
        }
        fast /= 10.0 * queries;
        plaid /= 10.0 * queries;
        assertTrue(fast >= 0.9, "fast recall@10 " + fast);
        assertTrue(plaid >= 0.5, "plaid recall@10 " + plaid);
    }

    /**
     * FAST's candidates are exactly the documents with a token in one of each query token's ncells best cells, query
     * after query on one thread (the per-thread candidate marks must start clear every time): counted against a
     * brute-force probe of the centroids.
     */
    @Test
    void candidatesAreTheDocumentsOfTheProbedCellsOnEveryQuery() {
        IndexSnapshot snap = index.snapshot();
        float[] centroids = snap.centroids();
        int k = snap.numCentroids();
        for (int ncells : new int[] {1, 4, 2}) {
            for (int i = 0; i < 12; i++) {
                float[] q = fixture.query(i * 31 % TestIndex.DOCS, 16);
                Set<Integer> probed = new HashSet<>();
                for (int t = 0; t < q.length / TestIndex.DIM; t++) {
                    Integer[] order = new Integer[k];
                    float[] sc = new float[k];
                    for (int c = 0; c < k; c++) {
                        order[c] = c;
                        for (int d = 0; d < TestIndex.DIM; d++) {
                            sc[c] += q[t * TestIndex.DIM + d] * centroids[c * TestIndex.DIM + d];
                        }
                    }
                    java.util.Arrays.sort(order, (a, b) -> Float.compare(sc[b], sc[a]));
                    probed.addAll(List.of(order).subList(0, ncells));
                }
                long expected = codes.values().stream()
                        .filter(cs -> java.util.Arrays.stream(cs).anyMatch(probed::contains)).count();
                SearchResult r = index.search(q, 10, SearchParams.defaults().withNcells(ncells));
                assertEquals(expected, r.candidates(), "query " + i + ", ncells " + ncells);
            }
        }
    }

    @Test
    void everyKnobIsHonouredAndValidated() {
        float[] q = fixture.query(1, 16);
        SearchResult wide = index.search(q, 5, SearchParams.plaid().withNcells(64).withNdocs(4000)
                .withCentroidScoreThreshold(-1f));
        assertEquals(ids(index.searchExact(q, 5)), ids(wide), "probing every cell without pruning is exhaustive");
        assertEquals(TestIndex.DOCS, wide.candidates());
        assertEquals(5, wide.hits().size());
        assertThrows(IllegalArgumentException.class, () -> index.search(q, 0));
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[0], 10));
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[TestIndex.DIM + 1], 10));
        assertThrows(IllegalArgumentException.class, () -> SearchParams.defaults().withNcells(0));
        SearchParams.Resolved p = SearchParams.plaid().resolve(10);
        assertEquals(new SearchParams.Resolved(1, 0.5f, 256, 64, 0), p);
        assertEquals(new SearchParams.Resolved(2, 0.45f, 1024, 256, 0), SearchParams.plaid().resolve(100));
        assertEquals(new SearchParams.Resolved(4, 0.4f, 4096, 1024, 0), SearchParams.plaid().resolve(101));
        assertEquals(4096, SearchParams.plaid().resolve(1000).ndocs());
        assertEquals(4 * 2000, SearchParams.plaid().resolve(2000).ndocs());
    }

    @Test
    void fastDefaultNcellsGrowsWithTheCentroidsAndPlaidDoesNot() {
        // 4 per 16,384 centroids, never fewer than 4: the 1x synthetic set keeps 4, the 4x one (32,768) gets 8
        assertEquals(4, SearchParams.defaults().resolve(10, 64).ncells());
        assertEquals(4, SearchParams.defaults().resolve(10, 16384).ncells());
        assertEquals(8, SearchParams.defaults().resolve(10, 32768).ncells());
        assertEquals(16, SearchParams.defaults().resolve(100, 32768).ncells(), "k ≤ 100 probes twice the k ≤ 10 cells");
        assertEquals(SearchParams.defaults().resolve(10), SearchParams.defaults().resolve(10, 16384));
        assertEquals(3, SearchParams.defaults().withNcells(3).resolve(10, 1 << 20).ncells(), "an explicit ncells wins");
        assertEquals(SearchParams.plaid().resolve(10), SearchParams.plaid().resolve(10, 1 << 20),
                "PLAID keeps the reference's parameters at any size");
        assertEquals(256, SearchParams.defaults().resolve(10, 32768).ndocs());
    }

    @Test
    void searchesFromSeveralThreadsGiveTheSequentialResults() throws Exception {
        List<float[]> qs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            qs.add(fixture.query(i, 32));
        }
        List<SearchResult> seq = qs.stream().map(q -> index.search(q, 10)).toList();
        assertEquals(seq, index.searchBatch(qs, 10, SearchParams.defaults()));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int rep = 0; rep < 3; rep++) {
                List<java.util.concurrent.Future<SearchResult>> fs = new ArrayList<>();
                for (float[] q : qs) {
                    fs.add(pool.submit(() -> index.search(q, 10)));
                }
                for (int i = 0; i < qs.size(); i++) {
                    assertEquals(seq.get(i), fs.get(i).get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static Set<String> ids(SearchResult r) {
        Set<String> s = new HashSet<>();
        r.hits().forEach(h -> s.add(h.docId()));
        return s;
    }

    static int overlap(Set<String> exact, SearchResult r) {
        int n = 0;
        for (SearchHit h : r.hits()) {
            if (exact.contains(h.docId())) {
                n++;
            }
        }
        return n;
    }

    @Test
    void unknownIndexIsAClearError() {
        Exception e = assertThrows(RuntimeException.class, () -> TartanIndex.open(dir.resolve("missing").toString()));
        assertTrue(e.getMessage().contains("no index"), e.getMessage());
        assertFalse(index.snapshot().manifest().shards().isEmpty());
    }
}
