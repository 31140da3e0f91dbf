package io.tartan.format.bm25;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two analysis profiles of FORMAT.md section 11, token by token. */
class TextAnalysisTest {
    private static final String TEXT = "The Cell's running proteins, and mice_2 studies; E-cadherin";

    @Test
    void englishIsLucenesEnglishAnalyzer() throws IOException {
        assertEquals(List.of("cell", "run", "protein", "mice_2", "studi", "e", "cadherin"),
                tokens(TextAnalysis.ENGLISH.analyzer(), TEXT));
        assertTrue(TextAnalysis.ENGLISH.countWeightedQueries());
    }

    @Test
    void englishMinimalSplitsOnNonWordCharactersAndStemsPluralsOnly() throws IOException {
        // the apostrophe splits "cell's" (no possessive filter); "s" is no stop word; "running" keeps its suffix
        assertEquals(List.of("cell", "s", "running", "protein", "mice_2", "study", "e", "cadherin"),
                tokens(TextAnalysis.ENGLISH_MINIMAL.analyzer(), TEXT));
        assertTrue(!TextAnalysis.ENGLISH_MINIMAL.countWeightedQueries());
    }

    @Test
    void namesParseAndUnknownOnesListTheValidOnes() {
        assertEquals(TextAnalysis.ENGLISH, TextAnalysis.of(null));
        assertEquals(TextAnalysis.ENGLISH_MINIMAL, TextAnalysis.of("english-minimal"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextAnalysis.of("porter"));
        assertTrue(e.getMessage().contains("'porter'") && e.getMessage().contains("english, english-minimal"),
                e.getMessage());
    }

    static List<String> tokens(Analyzer a, String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = a.tokenStream(TextIndexSchema.BODY, text)) {
            CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(t.toString());
            }
            ts.end();
        }
        return out;
    }
}
