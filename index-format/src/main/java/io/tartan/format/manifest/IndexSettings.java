package io.tartan.format.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tartan.format.bm25.TextAnalysis;
import io.tartan.format.codec.CentroidCodes;
import io.tartan.format.codec.ResidualPacking;

/**
 * Settings fixed when an index is built; every snapshot of the index carries them (FORMAT.md "Settings").
 *
 * @param similarity always {@code "maxsim-cosine"} in format 1: MaxSim over L2-normalised token vectors
 * @param textIndex  what each shard's text index holds (format 1.1, FORMAT.md section 11): {@code "bm25"} (text and
 *                   metadata), {@code "metadata"} (metadata only: the input had precomputed vectors, no text), or
 *                   null (an index from before 1.1: no text indexes)
 * @param poolFactor the {@code pool_factor} the documents' token vectors were pooled with (format 1.2, FORMAT.md
 *                   section 4.1): each document stores about {@code 1/pool_factor} of its tokens, Ward-clustered and
 *                   mean-pooled; null (absent) means 1, no pooling. Writers that add documents MUST pool them alike
 * @param textAnalysis the analysis of the BM25 text (format 1.3, FORMAT.md section 11), a {@link TextAnalysis} id;
 *                     null (absent) means {@code english}, the analysis of every index before 1.3. Only with
 *                     {@code text-index = bm25}; writers that add documents MUST analyze them alike
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexSettings(
        @JsonProperty("dim") int dim,
        @JsonProperty("nbits") int nbits,
        @JsonProperty("num-centroids") int numCentroids,
        @JsonProperty("doc-maxlen") int docMaxlen,
        @JsonProperty("query-maxlen") int queryMaxlen,
        @JsonProperty("encoder-id") String encoderId,
        @JsonProperty("encoder-checksum") String encoderChecksum,
        @JsonProperty("similarity") String similarity,
        @JsonProperty("text-index") String textIndex,
        @JsonProperty("pool-factor") Integer poolFactor,
        @JsonProperty("text-analysis") String textAnalysis) {

    public static final String MAXSIM_COSINE = "maxsim-cosine";
    public static final String TEXT_BM25 = "bm25";
    public static final String TEXT_METADATA = "metadata";

    /** Settings with the default text analysis (format 1.0 to 1.2). */
    public IndexSettings(int dim, int nbits, int numCentroids, int docMaxlen, int queryMaxlen, String encoderId,
            String encoderChecksum, String similarity, String textIndex, Integer poolFactor) {
        this(dim, nbits, numCentroids, docMaxlen, queryMaxlen, encoderId, encoderChecksum, similarity, textIndex,
                poolFactor, null);
    }

    /** Settings without token pooling (format 1.0 or 1.1). */
    public IndexSettings(int dim, int nbits, int numCentroids, int docMaxlen, int queryMaxlen, String encoderId,
            String encoderChecksum, String similarity, String textIndex) {
        this(dim, nbits, numCentroids, docMaxlen, queryMaxlen, encoderId, encoderChecksum, similarity, textIndex,
                (Integer) null);
    }

    /** Settings without text indexes (format 1.0). */
    public IndexSettings(int dim, int nbits, int numCentroids, int docMaxlen, int queryMaxlen, String encoderId,
            String encoderChecksum, String similarity) {
        this(dim, nbits, numCentroids, docMaxlen, queryMaxlen, encoderId, encoderChecksum, similarity, null);
    }

    /** The pool factor documents were pooled with; 1 when the field is absent (no pooling). */
    public int poolFactorOrOne() {
        return poolFactor == null ? 1 : poolFactor;
    }

    /** The same settings with {@code pool-factor} recorded only when it pools (the lowest version that expresses it). */
    public IndexSettings withPoolFactor(int factor) {
        return new IndexSettings(dim, nbits, numCentroids, docMaxlen, queryMaxlen, encoderId, encoderChecksum,
                similarity, textIndex, factor > 1 ? Integer.valueOf(factor) : null, textAnalysis);
    }

    /** The analysis of the BM25 text; {@link TextAnalysis#ENGLISH} when the field is absent. */
    public TextAnalysis textAnalysisOrDefault() {
        return TextAnalysis.of(textAnalysis);
    }

    /**
     * The same settings with {@code text-analysis} recorded only when it is not the default (the lowest version that
     * expresses it) and the index keeps text (a metadata-only text index analyzes nothing).
     */
    public IndexSettings withTextAnalysis(TextAnalysis analysis) {
        String id = analysis == TextAnalysis.ENGLISH || !hasText() ? null : analysis.id();
        return new IndexSettings(dim, nbits, numCentroids, docMaxlen, queryMaxlen, encoderId, encoderChecksum,
                similarity, textIndex, poolFactor, id);
    }

    /** Whether shards have text indexes at all (BM25 or metadata only). */
    public boolean hasTextIndexes() {
        return textIndex != null;
    }

    /** Whether the text indexes hold document text (BM25 search possible). */
    public boolean hasText() {
        return TEXT_BM25.equals(textIndex);
    }

    /** Bytes a centroid code needs; it bounds the codes (shards store them as sorted runs, FORMAT.md 6.2). */
    public int codeWidth() {
        return CentroidCodes.width(numCentroids);
    }

    /** Bytes of packed residual per token. */
    public int residualBytesPerToken() {
        return ResidualPacking.bytesPerToken(dim, nbits);
    }

    void validate(String where) {
        try {
            ResidualPacking.requireSupported(dim, nbits);
        } catch (IllegalArgumentException e) {
            throw new io.tartan.format.IndexFormatException(where + ": settings: " + e.getMessage());
        }
        if (numCentroids <= 0) {
            throw new io.tartan.format.IndexFormatException(where + ": settings: num-centroids must be positive");
        }
        if (!MAXSIM_COSINE.equals(similarity)) {
            throw new io.tartan.format.UnsupportedFormatException(where + ": unsupported similarity '" + similarity + "'");
        }
        if (poolFactor != null && poolFactor < 1) {
            throw new io.tartan.format.IndexFormatException(where + ": settings: pool-factor must be >= 1, got "
                    + poolFactor);
        }
        if (textIndex != null && !TEXT_BM25.equals(textIndex) && !TEXT_METADATA.equals(textIndex)) {
            throw new io.tartan.format.UnsupportedFormatException(where + ": unsupported text-index '" + textIndex + "'");
        }
        if (textAnalysis != null) {
            try {
                TextAnalysis.of(textAnalysis);
            } catch (IllegalArgumentException e) {
                throw new io.tartan.format.UnsupportedFormatException(where + ": settings: " + e.getMessage()
                        + " (written by a newer Tartan?)");
            }
            if (!hasText()) {
                throw new io.tartan.format.IndexFormatException(where + ": settings: text-analysis '" + textAnalysis
                        + "' needs text-index = bm25, got " + textIndex);
            }
        }
    }
}
