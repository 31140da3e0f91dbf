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
        Map<String, Integer> counts = terms(text, analysis);
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

    /** The distinct terms of {@code text} under {@code analysis}, in order of first occurrence, with their counts. */
    public static Map<String, Integer> terms(String text, TextAnalysis analysis) {
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
        return counts;
    }

    /**
     * This snapshot's share of the whole index's BM25 statistics for {@code text} (the shards whose first row it
     * serves): what a partition tells a router, which sums the partitions' shares ({@link Bm25Statistics#sum}).
     */
    public static Bm25Statistics statistics(TextIndexes idx, long version, String text) {
        requireText(idx);
        return Bm25Statistics.count(version, idx.countedShards(), terms(text, idx.analysis()).keySet());
    }

    /**
     * The best {@code n} allowed rows for {@code text}, best first.
     *
     * @param allowed rows that may be returned (live and passing the filter)
     * @return rows and their BM25 scores; empty when the query has no searchable term
     */
    public static Ranked search(TextIndexes idx, String text, int n, BitSet allowed) {
        return search(idx, text, n, allowed, null);
    }

    /**
     * The best {@code n} allowed rows for {@code text}, scored with {@code stats} (the whole index's, when this
     * snapshot is a partition) or, when null, with the served shards' own.
     */
    public static Ranked search(TextIndexes idx, String text, int n, BitSet allowed, Bm25Statistics stats) {
        requireText(idx);
        Query q = query(text, idx.analysis());
        Ranked.Builder top = new Ranked.Builder(n);
        if (q == null) {
            return top.build();
        }
        try {
            (stats == null ? idx.searcher() : stats.searcher(idx)).search(q, new RowCollector(idx, ScoreMode.COMPLETE) {
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

    private static void requireText(TextIndexes idx) {
        if (idx == null || !idx.hasText()) {
            throw new IllegalArgumentException("this index has no text: it was built from precomputed vectors, so the "
                    + "bm25, rerank and hybrid modes are unavailable (metadata filters still work)");
        }
    }
}
