package io.tartan.query.text;

import io.tartan.format.bm25.TextAnalysis;
import io.tartan.format.bm25.TextIndexSchema;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.TermQuery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BM25 over the text indexes: the query is analyzed with the index's {@link TextAnalysis}, like the documents, and
 * searched as a bag of words (each distinct term once; under {@code english} boosted by its count in the query, as
 * Anserini's default query generator does), over every shard at once so the statistics are global. Only rows in the
 * allowed set (live, and passing the filter) are collected.
 */
public final class Bm25Search {
    /** One analyzer a profile: an Analyzer reuses its per-thread token streams, so sharing it across queries is cheap. */
    private static final Map<TextAnalysis, Analyzer> ANALYZERS = analyzers();

    private Bm25Search() {
    }

    private static Map<TextAnalysis, Analyzer> analyzers() {
        Map<TextAnalysis, Analyzer> m = new EnumMap<>(TextAnalysis.class);
        for (TextAnalysis a : TextAnalysis.values()) {
            m.put(a, a.analyzer());
        }
        return m;
    }

    /**
     * The bag-of-words query of {@code text} under {@code analysis}, or null when no term survives analysis (only
     * stop words).
     */
    public static Query query(String text, TextAnalysis analysis) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (TokenStream ts = ANALYZERS.get(analysis).tokenStream(TextIndexSchema.BODY, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                counts.merge(term.toString(), 1, Integer::sum);
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (counts.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int n = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (n++ == BooleanQuery.getMaxClauseCount()) {
                break;
            }
            Query tq = new TermQuery(new Term(TextIndexSchema.BODY, e.getKey()));
            boolean boosted = analysis.countWeightedQueries() && e.getValue() > 1;
            b.add(boosted ? new BoostQuery(tq, e.getValue()) : tq, BooleanClause.Occur.SHOULD);
        }
        return b.build();
    }

    /**
     * The best {@code n} allowed rows for {@code text}, best first.
     *
     * @param allowed rows that may be returned (live and passing the filter)
     * @return rows and their BM25 scores; empty when the query has no searchable term
     */
    public static Ranked search(TextIndexes idx, String text, int n, BitSet allowed) {
        if (!idx.hasText()) {
            throw new IllegalArgumentException("this index has no text: it was built from precomputed vectors, so the "
                    + "bm25, rerank and hybrid modes are unavailable (metadata filters still work)");
        }
        Query q = query(text, idx.analysis());
        Ranked.Builder top = new Ranked.Builder(n);
        if (q == null) {
            return top.build();
        }
        try {
            idx.searcher().search(q, new RowCollector(idx, ScoreMode.COMPLETE) {
                @Override
                void collectRow(int row, Scorable scorer) throws IOException {
                    if (allowed.get(row)) {
                        top.offer(row, scorer.score());
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return top.build();
    }
}
