package io.tartan.query.bench;

import io.tartan.format.bm25.TextAnalysis;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.tartarus.snowball.ext.EnglishStemmer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Analysis chains a published BM25 figure may have been measured with, named {@code TOKENIZER/STOP/STEM}, or
 * {@code tartan} for the default text analysis (Lucene's EnglishAnalyzer, TextAnalysis.ENGLISH).
 * <ul>
 * <li>TOKENIZER: {@code std} (Lucene's StandardTokenizer, lower-cased; StandardAnalyzer is {@code std/none/none}),
 * {@code stdpos} (plus English possessives, as EnglishAnalyzer), {@code regex} ({@code [A-Za-z0-9_]+}),
 * {@code bm25s} (the bm25s package's default: {@code (?u)\b\w\w+\b}, so one-character words are dropped),
 * {@code ws} (split on white space and lower-cased, as rank_bm25 is usually fed), {@code wsraw} (split on white space,
 * case kept).</li>
 * <li>STOP: {@code lucene} (Lucene's 33 English stop words; bm25s's English list is the same 33), {@code nltk}
 * (NLTK's 179-word English list), {@code none}.</li>
 * <li>STEM: {@code porter} (Lucene's Porter, Anserini's default), {@code snowball} (Snowball English = Porter2, what
 * PyStemmer's "english" runs), {@code kstem}, {@code minimal} (English plurals), {@code none}.</li>
 * </ul>
 */
final class AnalysisChains {
    private static final Pattern ASCII_WORD = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern BM25S_WORD = Pattern.compile("\\b\\w\\w+\\b", Pattern.UNICODE_CHARACTER_CLASS);
    /** NLTK's {@code stopwords.words("english")} (179 words), as a reference computed in Python would remove. */
    private static final CharArraySet NLTK_STOP_WORDS = CharArraySet.unmodifiableSet(new CharArraySet(Arrays.asList((
            "i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself yourselves he him "
            + "his himself she she's her hers herself it it's its itself they them their theirs themselves what which "
            + "who whom this that that'll these those am is are was were be been being have has had having do does did "
            + "doing a an the and but if or because as until while of at by for with about against between into through "
            + "during before after above below to from up down in out on off over under again further then once here "
            + "there when where why how all any both each few more most other some such no nor not only own same so "
            + "than too very s t can will just don don't should should've now d ll m o re ve y ain aren aren't couldn "
            + "couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma mightn mightn't "
            + "mustn mustn't needn needn't shan shan't shouldn shouldn't wasn wasn't weren weren't won won't wouldn "
            + "wouldn't").split(" ")), false));

    private AnalysisChains() {
    }

    static Analyzer analyzer(String spec) {
        if (spec.equals("tartan")) {
            return TextAnalysis.ENGLISH.analyzer();
        }
        String[] p = spec.split("/");
        if (p.length != 3) {
            throw new IllegalArgumentException("analyzer must be 'tartan' or TOKENIZER/STOP/STEM, got " + spec);
        }
        CharArraySet stop = switch (p[1]) {
            case "lucene" -> EnglishAnalyzer.ENGLISH_STOP_WORDS_SET;
            case "nltk" -> NLTK_STOP_WORDS;
            case "none" -> null;
            default -> throw new IllegalArgumentException("unknown stop words " + p[1]);
        };
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer t = switch (p[0]) {
                    case "std", "stdpos" -> new StandardTokenizer();
                    case "regex" -> new PatternTokenizer(ASCII_WORD, 0);
                    case "bm25s" -> new PatternTokenizer(BM25S_WORD, 0);
                    case "ws", "wsraw" -> new WhitespaceTokenizer();
                    default -> throw new IllegalArgumentException("unknown tokenizer " + p[0]);
                };
                TokenStream s = p[0].equals("wsraw") ? t : new LowerCaseFilter(t);
                if (p[0].equals("stdpos")) {
                    s = new EnglishPossessiveFilter(s);
                }
                if (stop != null) {
                    s = new StopFilter(s, stop);
                }
                s = switch (p[2]) {
                    case "porter" -> new PorterStemFilter(s);
                    case "snowball" -> new SnowballFilter(s, new EnglishStemmer());
                    case "kstem" -> new KStemFilter(s);
                    case "minimal" -> new EnglishMinimalStemFilter(s);
                    case "none" -> s;
                    default -> throw new IllegalArgumentException("unknown stemmer " + p[2]);
                };
                return new TokenStreamComponents(t, s);
            }
        };
    }

    static List<String> tokens(Analyzer analyzer, String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("body", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
