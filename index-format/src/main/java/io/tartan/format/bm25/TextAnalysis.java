package io.tartan.format.bm25;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The analysis of a text index's {@code body} field and of BM25 queries (settings {@code text-analysis}, FORMAT.md
 * section 11). It is fixed when an index is built: documents and queries MUST go through the same chain, so every
 * writer and reader takes it from the index's settings.
 */
public enum TextAnalysis {
    /**
     * Lucene's {@code EnglishAnalyzer} (standard tokenizer, possessives, lower case, English stop words, Porter), each
     * distinct query term boosted by its count in the query: Anserini's default English BM25 run. The profile of
     * every index whose settings lack {@code text-analysis}.
     */
    ENGLISH("english", true),
    /**
     * Tokens {@code [A-Za-z0-9_]+}, lower case, Lucene's English stop words, Lucene's plural-only English stemmer
     * ({@code EnglishMinimalStemFilter}); each distinct query term counts once. This is the analysis of the reference
     * BM25 figures in DESIGN.md (SciFact, Cranfield, CISI), which Porter stemming and count-weighted queries miss.
     */
    ENGLISH_MINIMAL("english-minimal", false);

    /** ASCII words: punctuation, apostrophes included, splits tokens ("cell's" gives "cell" and "s"). */
    private static final Pattern ASCII_WORD = Pattern.compile("[A-Za-z0-9_]+");

    private final String id;
    private final boolean countWeightedQueries;

    TextAnalysis(String id, boolean countWeightedQueries) {
        this.id = id;
        this.countWeightedQueries = countWeightedQueries;
    }

    /** The name in settings and on command lines. */
    public String id() {
        return id;
    }

    /** Whether a query term repeated in the query is boosted by its count (else every distinct term counts once). */
    public boolean countWeightedQueries() {
        return countWeightedQueries;
    }

    /** A new analyzer of this profile (an Analyzer holds per-thread state; callers may share the one they make). */
    public Analyzer analyzer() {
        return switch (this) {
            case ENGLISH -> new EnglishAnalyzer();
            case ENGLISH_MINIMAL -> new Analyzer() {
                @Override
                protected TokenStreamComponents createComponents(String field) {
                    Tokenizer t = new PatternTokenizer(ASCII_WORD, 0);
                    TokenStream s = new LowerCaseFilter(t);
                    s = new StopFilter(s, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
                    return new TokenStreamComponents(t, new EnglishMinimalStemFilter(s));
                }
            };
        };
    }

    /** Every valid name, the default first. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(TextAnalysis::id).toList();
    }

    /** The profile named {@code id}; null or blank means the default, {@link #ENGLISH}. */
    public static TextAnalysis of(String id) {
        if (id == null || id.isBlank()) {
            return ENGLISH;
        }
        for (TextAnalysis a : values()) {
            if (a.id.equals(id.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown text analysis '" + id + "'; valid: " + String.join(", ", ids()));
    }

    @Override
    public String toString() {
        return id;
    }
}
