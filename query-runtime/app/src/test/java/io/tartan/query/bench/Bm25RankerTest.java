package io.tartan.query.bench;

import io.tartan.format.bm25.TextAnalysis;
import io.tartan.format.bm25.TextIndexSchema;
import io.tartan.query.eval.Qrels;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's own BM25 must score as Lucene's BM25Similarity, or its other variants are compared to nothing. */
class Bm25RankerTest {
    private static List<String> corpus() {
        List<String> docs = new ArrayList<>();
        docs.add("Retrieval of scientific claims with sparse models");
        docs.add("Dense retrieval and sparse retrieval compared on claims");
        docs.add("Aerodynamics of a wing in a slipstream");
        // long documents: Lucene stores their length in one byte, rounded, which the ranker must reproduce
        docs.add(String.join(" ", Collections.nCopies(37, "wing slipstream pressure")) + " claims");
        docs.add(String.join(" ", Collections.nCopies(211, "library classification")) + " retrieval");
        return docs;
    }

    @Test
    void luceneIdfAndNormsScoreAsBm25Similarity() throws IOException {
        Analyzer analyzer = TextAnalysis.ENGLISH.analyzer();
        List<String> docs = corpus();
        Map<String, Integer> query = new LinkedHashMap<>();
        query.put("retriev", 2);
        query.put("claim", 1);
        query.put("slipstream", 1);

        double[] ours = new Bm25Ranker(TextIndexSchema.K1, TextIndexSchema.B, Bm25Ranker.Idf.LUCENE,
                Bm25Ranker.Norm.LUCENE).score(query, List.of(TermIndex.analyze(docs, analyzer)), 0);

        try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer)
                    .setSimilarity(TextIndexSchema.similarity()))) {
                for (String d : docs) {
                    Document doc = new Document();
                    doc.add(new TextField("body", d, Field.Store.NO));
                    w.addDocument(doc);
                }
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                searcher.setSimilarity(TextIndexSchema.similarity());
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                query.forEach((t, n) -> b.add(new BoostQuery(new TermQuery(new Term("body", t)), n),
                        BooleanClause.Occur.SHOULD));
                Map<Integer, Float> lucene = new HashMap<>();
                for (ScoreDoc sd : searcher.search(b.build(), 10).scoreDocs) {
                    lucene.put(sd.doc, sd.score);
                }
                assertEquals(docs.size(), lucene.size(), "every document matches a query term");
                for (int d = 0; d < docs.size(); d++) {
                    assertEquals(lucene.get(d), ours[d], 1e-5 * lucene.get(d), "doc " + d);
                }
            }
        }
    }

    @Test
    void okapiFloorsNegativeIdfAtAQuarterOfTheMeanIdf() {
        // "common" is in 3 of 4 documents: log((4 - 3 + 0.5) / 3.5) < 0, so rank_bm25 replaces it
        TermIndex f = TermIndex.analyze(List.of("common rare", "common", "common", "other"),
                AnalysisChains.analyzer("ws/none/none"));
        double robertsonCommon = Math.log(1.5 / 3.5);
        double robertsonOnce = Math.log(3.5 / 1.5);
        double mean = (robertsonCommon + 2 * robertsonOnce) / 3;
        double[] s = new Bm25Ranker(1.2, 0, Bm25Ranker.Idf.OKAPI, Bm25Ranker.Norm.EXACT)
                .score(Map.of("common", 1), List.of(f), 0);
        // b = 0, tf = 1: score = idf / (1 + k1)
        assertEquals(0.25 * mean / 2.2, s[1], 1e-12);
        assertTrue(Double.isNaN(s[3]), "a document without the term is not matched");
    }

    @Test
    void protocolDropsTheQuerysOwnIdAndCountsUnjudgedQueriesWhenAskedTo() {
        Qrels qrels = new Qrels(Map.of("1", Map.of("7", 1)));
        List<String> ids = List.of("1", "2");
        List<List<String>> ranked = List.of(List.of("1", "7"), List.of("7"));
        EvalProtocol keep = new EvalProtocol(true, 1, false, false, EvalProtocol.Ties.INDEX);
        EvalProtocol drop = new EvalProtocol(true, 1, false, true, EvalProtocol.Ties.INDEX);
        EvalProtocol dropAll = new EvalProtocol(true, 1, true, true, EvalProtocol.Ties.INDEX);
        assertEquals(0.5, keep.evaluate(ids, ranked, qrels).mrr10(), 1e-12);
        assertEquals(1.0, drop.evaluate(ids, ranked, qrels).mrr10(), 1e-12);
        assertEquals(0.5, dropAll.evaluate(ids, ranked, qrels).mrr10(), 1e-12, "query 2 has no judgements");
    }
}
