package io.tartan.query.text;

import io.tartan.format.bm25.TextAnalysis;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The bag-of-words query each text analysis profile makes of query text (FORMAT.md section 11). */
class Bm25QueryTest {
    private static final String TEXT = "Running mice's cells: cells and more cells";

    @Test
    void englishStemsWithPorterAndBoostsRepeatedTermsByTheirCount() {
        assertEquals(List.of("body:run", "body:mice", "(body:cell)^3.0", "body:more"), clauses(Bm25Search.query(TEXT,
                TextAnalysis.ENGLISH)));
    }

    @Test
    void englishMinimalStemsPluralsOnlyAndCountsEachTermOnce() {
        // "mice's" splits at the apostrophe; the lone "s" is no English stop word
        assertEquals(List.of("body:running", "body:mice", "body:s", "body:cell", "body:more"), clauses(Bm25Search.query(TEXT,
                TextAnalysis.ENGLISH_MINIMAL)));
    }

    @Test
    void onlyStopWordsMakeNoQuery() {
        for (TextAnalysis a : TextAnalysis.values()) {
            assertNull(Bm25Search.query("the and of", a), a.id());
        }
    }

    private static List<String> clauses(Query q) {
        return ((BooleanQuery) q).clauses().stream().map(c -> {
            assertEquals(BooleanClause.Occur.SHOULD, c.getOccur());
            return c.getQuery() instanceof BoostQuery b ? "(" + b.getQuery() + ")^" + b.getBoost() : c.getQuery().toString();
        }).toList();
    }
}
