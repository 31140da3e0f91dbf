package io.tartan.query.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.cli.EvalCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tartan eval} on the hand-made fixture collection (see {@link EvalFixture} and fixture/docs.tsv), whose
 * rankings and therefore metric values are worked out by hand below.
 *
 * <pre>
 * qa = [e0, e1]: scores d01 1.80, d02 1.50, d04 1.00, d11 0.90, d03 0.80, d05 0.70, d09 0.40, d08 0.30, d07 0.08,
 *                d06 0.05, d12 0.03, d10 0.02
 *   qrels: d04 3, d03 2, d08 1, d02 0, d99 1 (d99 is not in the index)
 *   gains by rank: 0 0 3 0 2 0 0 1 0 0
 *   DCG@10  = 3/log2(4) + 2/log2(6) + 1/log2(9)                      = 1.5 + 0.7737056 + 0.3154649 = 2.5891705
 *   IDCG@10 = 3/log2(2) + 2/log2(3) + 1/log2(4) + 1/log2(5)          = 3 + 1.2618595 + 0.5 + 0.4306766 = 5.1925361
 *   nDCG@10 = 0.4986331;  RR = 1/3 (d04 at rank 3);  Recall@100 = 3 of 4 relevant = 0.75
 * qb = [e2, e3]: scores d03 1.70, d06 1.50, d07 1.00, d08 0.95, d12 0.70, d05 0.60, d09 0.40, d11 0.15, …
 *   qrels: d06 1  → nDCG@10 = (1/log2(3)) / 1 = 0.6309298;  RR = 1/2;  Recall@100 = 1
 * qc-unjudged has no judgements (skipped); qd-bad has 3-float vectors in a 16-dim index (rejected).
 * Means over qa, qb: nDCG@10 0.5647814, MRR@10 0.4166667, Recall@100 0.875.
 * </pre>
 */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final double NDCG_QA = (3 / log2(4) + 2 / log2(6) + 1 / log2(9)) / (3 + 2 / log2(3) + 1 / log2(4) + 1 / log2(5));
    static final double NDCG_QB = 1 / log2(3);

    @TempDir
    static Path dir;

    @BeforeAll
    static void build() {
        EvalFixture.write(dir);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void handComputedValuesMatchTheWrittenOutFigures() {
        // the closed forms above, against the decimals of the class comment
        assertEquals(0.4986331, NDCG_QA, 1e-7);
        assertEquals(0.6309298, NDCG_QB, 1e-7);
        assertEquals(0.5647814, (NDCG_QA + NDCG_QB) / 2, 1e-7);
    }

    @Test
    void cliWritesTheHandComputedMetricsForSearchAndExact() throws Exception {
        Path json = dir.resolve("eval.json");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        int rc;
        try {
            // every cell probed: the fixture's tokens are their own centroids, so each query token has one "near" cell
            rc = EvalCommand.run("--index", EvalFixture.indexUri(dir), "--queries", dir.resolve("queries.jsonl").toString(),
                    "--qrels", dir.resolve("qrels.tsv").toString(), "--exact", "--json", json.toString(), "--ncells", "64");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        assertEquals(0, rc, stderr.toString(StandardCharsets.UTF_8));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("queries.jsonl:4"),
                "the rejected line is named: " + stderr.toString(StandardCharsets.UTF_8));
        String printed = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("2 queries evaluated, 1 skipped (no judgements), 1 rejected"), printed);

        JsonNode n = JSON.readTree(Files.readString(json));
        assertEquals(2, n.get("queries").asInt());
        assertEquals(1, n.get("skipped_unjudged").asInt());
        assertEquals(1, n.get("rejected_queries").asInt());
        assertEquals(10, n.get("k").asInt());
        for (JsonNode m : List.of(n, n.get("exact"))) {
            assertEquals((NDCG_QA + NDCG_QB) / 2, m.get("ndcg@10").asDouble(), 1e-6);
            assertEquals((1.0 / 3 + 1.0 / 2) / 2, m.get("mrr@10").asDouble(), 1e-9);
            assertEquals((0.75 + 1.0) / 2, m.get("recall@100").asDouble(), 1e-9);
            double p50 = m.get("latency_p50_ms").asDouble();
            assertTrue(p50 > 0 && m.get("latency_p95_ms").asDouble() >= p50, m.toString());
        }
        assertEquals(1.0, n.get("recall@10_vs_exact").asDouble(), 1e-9);
    }

    @Test
    void withoutExactThereIsNoExactBlockAndKCutsTheRanking() throws Exception {
        Path json = dir.resolve("eval-k2.json");
        assertEquals(0, EvalCommand.run("--index", EvalFixture.indexUri(dir), "--queries",
                dir.resolve("queries.jsonl").toString(), "--qrels", dir.resolve("qrels.tsv").toString(), "-k", "2",
                "--json", json.toString(), "--ncells", "64"));
        JsonNode n = JSON.readTree(Files.readString(json));
        assertFalse(n.has("exact"));
        assertFalse(n.has("recall@10_vs_exact"));
        // at k=2 qa's top is d01 d02 (no gain, RR 0) and qb's is d03 d06 (nDCG 1/log2(3), RR 1/2); Recall@100
        // comes from the deep search and stays as before
        assertEquals(NDCG_QB / 2, n.get("ndcg@10").asDouble(), 1e-6);
        assertEquals(0.25, n.get("mrr@10").asDouble(), 1e-9);
        assertEquals(0.875, n.get("recall@100").asDouble(), 1e-9);
    }

    @Test
    void plaidModeAtItsDefaultsLosesWhatItsSingleCellMisses() {
        // PLAID at k=10 probes 1 cell per query token: for qa only the tokens (0, 0.90) and (1, 0.90) are probed,
        // so d01 and d02 are the only candidates; d04, d03, d08 are never seen. For qb, cells (2, 0.90) and
        // (3, 0.95) give d03 and d08: d06 is missed too. nDCG@10 and MRR@10 are 0 while exact's stay.
        // Recall@100 comes from the search at k=100, where PLAID probes 2 cells per token: qa's candidates are
        // d01 d02 d03 (cells (0, .90) (0, .80)) and d01 d05 ((1, .90) (1, .70)): 1 of 4 relevant; qb's take in
        // (2, .80), so d06 is found: 1 of 1. Mean (0.25 + 1) / 2.
        try (TartanIndex idx = TartanIndex.open(EvalFixture.indexUri(dir))) {
            List<String> rejects = new ArrayList<>();
            List<EvalQuery> qs = EvalQuery.readJsonl(dir.resolve("queries.jsonl"), EvalFixture.DIM, rejects::add);
            EvalReport r = new Evaluator(idx, Qrels.read(dir.resolve("qrels.tsv")), 10, SearchParams.plaid(), true)
                    .run(qs, rejects.size());
            assertEquals(0.0, r.search().ndcg10(), 1e-12);
            assertEquals(0.0, r.search().mrr10(), 1e-12);
            assertEquals(0.625, r.search().recall100(), 1e-12);
            assertEquals((NDCG_QA + NDCG_QB) / 2, r.exact().ndcg10(), 1e-6);
            // exact's top 10 holds 2 of qa's PLAID hits and 2 of qb's: 2/10 each
            assertEquals(0.2, r.recallVsExact10(), 1e-9);
            assertNotEquals(r.search().ndcg10(), r.exact().ndcg10());
        }
    }
}
