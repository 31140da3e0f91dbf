package io.tartan.query.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metric values computed by hand (and cross-checked with pytrec_eval's definitions) for small rankings. */
class RetrievalMetricsTest {
    // graded judgements: a=3, b=2, c=1, z=0 (judged non-relevant)
    static final Map<String, Integer> J = Map.of("a", 3, "b", 2, "c", 1, "z", 0);

    @Test
    void ndcgByHand() {
        // ranking c, x, a, b: DCG = 1/log2(2) + 0 + 3/log2(4) + 2/log2(5) = 1 + 1.5 + 0.861353 = 3.361353
        // ideal a, b, c: IDCG = 3 + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5 = 4.761860
        assertEquals(3.361353 / 4.761860, RetrievalMetrics.ndcg(List.of("c", "x", "a", "b"), J, 10), 1e-6);
        assertEquals(1.0, RetrievalMetrics.ndcg(List.of("a", "b", "c", "z"), J, 10), 1e-12);
        // cut at 2: DCG@2 = 1 + 0 = 1; IDCG@2 = 3 + 1.261860 = 4.261860
        assertEquals(1 / 4.261860, RetrievalMetrics.ndcg(List.of("c", "x", "a", "b"), J, 2), 1e-6);
        assertEquals(0.0, RetrievalMetrics.ndcg(List.of("x", "y"), Map.of("z", 0), 10));
    }

    @Test
    void mrrByHand() {
        assertEquals(1.0 / 3, RetrievalMetrics.reciprocalRank(List.of("x", "z", "b", "a"), J, 10), 1e-12);
        assertEquals(0.0, RetrievalMetrics.reciprocalRank(List.of("x", "z", "b"), J, 2), 1e-12);
    }

    @Test
    void recallByHand() {
        assertEquals(2.0 / 3, RetrievalMetrics.recall(List.of("a", "x", "c"), J, 100), 1e-12);
        assertEquals(1.0 / 3, RetrievalMetrics.recall(List.of("a", "x", "c"), J, 2), 1e-12);
        assertEquals(0.7, RetrievalMetrics.overlap(List.of("1", "2", "3", "4", "5", "6", "7", "x", "y", "z"),
                List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), 10), 1e-12);
    }

    @Test
    void qrelsReadBothFormats(@TempDir Path dir) throws Exception {
        Path beir = Files.writeString(dir.resolve("q.tsv"), "query_id\tdoc_id\tscore\n1\td1\t2\n1\td2\t0\n3\td9\t1\n");
        Qrels q = Qrels.read(beir);
        assertEquals(2, q.size());
        assertEquals(Map.of("d1", 2, "d2", 0), q.judgements("1"));
        assertTrue(q.isJudged("3"));
        assertFalse(q.isJudged("2"));
        Path trec = Files.writeString(dir.resolve("q.trec"), "7 0 docA 1\n7 0 docB 0\n");
        assertEquals(Map.of("docA", 1, "docB", 0), Qrels.read(trec).judgements("7"));
        Path bad = Files.writeString(dir.resolve("bad.tsv"), "1\td1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Qrels.read(bad));
        assertTrue(e.getMessage().contains("bad.tsv:1"), e.getMessage());
    }
}
