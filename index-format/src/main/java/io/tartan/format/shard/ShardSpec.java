package io.tartan.format.shard;

import io.tartan.format.manifest.IndexSettings;

/**
 * What a shard's byte columns hold: token dim, residual nbits and the number of centroids {@code k} (codes are below
 * it). {@code codeWidth} is the byte width a code needs ({@link io.tartan.format.codec.CentroidCodes#width}); shards
 * no longer store codes at that width (FORMAT.md "Codes") but it still bounds the codes a row may hold.
 */
public record ShardSpec(int dim, int nbits, int codeWidth, int numCentroids) {
    public ShardSpec {
        if (numCentroids <= 0 || (codeWidth < 4 && numCentroids > 1L << (8 * codeWidth))) {
            throw new IllegalArgumentException(numCentroids + " centroids do not fit codes of " + codeWidth + " bytes");
        }
    }

    /** A spec allowing every code of {@code codeWidth} bytes (for callers that know only the width). */
    public ShardSpec(int dim, int nbits, int codeWidth) {
        this(dim, nbits, codeWidth, codeWidth >= 4 ? Integer.MAX_VALUE : 1 << (8 * codeWidth));
    }

    public static ShardSpec of(IndexSettings s) {
        return new ShardSpec(s.dim(), s.nbits(), s.codeWidth(), s.numCentroids());
    }

    public int residualBytesPerToken() {
        return dim * nbits / 8;
    }
}
