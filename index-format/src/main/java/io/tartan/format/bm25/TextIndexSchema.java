package io.tartan.format.bm25;

import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.Similarity;

/**
 * The fields and similarity of a shard's text index (FORMAT.md section 11). Writers and readers take them
 * from here only; the analysis is the index's {@link TextAnalysis}, so a query is analyzed exactly as the documents
 * were.
 */
public final class TextIndexSchema {
    /** The shard pid: numeric doc values and a stored value. */
    public static final String PID = "pid";
    /** The user's document id: an exact-match, stored string. */
    public static final String ID = "id";
    /** The document text ({@code title + " " + text}), analyzed for BM25 and stored for snippets. */
    public static final String BODY = "body";
    /** The whole metadata map as stored JSON, so a rewrite (compaction) and readers get it back unchanged. */
    public static final String METADATA = "metadata";
    /** Prefix of the exact-match string field of each metadata key. */
    public static final String KEYWORD_PREFIX = "m.";
    /** Prefix of the double point field of each metadata key whose value parses as a number. */
    public static final String NUMBER_PREFIX = "n.";
    /** Commit user data: {@code "true"} when the index holds document text, {@code "false"} for metadata only. */
    public static final String USER_DATA_TEXT = "tartan.text";

    /** Anserini's BM25 defaults, the settings of the BM25 figures in DESIGN.md. */
    public static final float K1 = 0.9f;
    public static final float B = 0.4f;

    private TextIndexSchema() {
    }

    public static Similarity similarity() {
        return new BM25Similarity(K1, B);
    }

    public static String keywordField(String key) {
        return KEYWORD_PREFIX + key;
    }

    public static String numberField(String key) {
        return NUMBER_PREFIX + key;
    }

    /** The value as a number for range filters, or null when it is not one (NaN and infinities are not). */
    public static Double number(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double d = Double.parseDouble(value.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
