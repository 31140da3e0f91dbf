package io.tartan.format.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tartan.format.codec.CentroidCodes;
import io.tartan.format.codec.ResidualPacking;

/**
 * Settings fixed when an index is built; every snapshot of the index carries them (FORMAT.md "Settings").
 *
 * @param similarity always {@code "maxsim-cosine"} in format 1: MaxSim over L2-normalised token vectors
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
        @JsonProperty("similarity") String similarity) {

    public static final String MAXSIM_COSINE = "maxsim-cosine";

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
    }
}
