package io.tartan.format.shard;

import io.tartan.format.manifest.IndexSettings;

/** What a shard's byte columns hold: token dim, residual nbits and centroid code width. */
public record ShardSpec(int dim, int nbits, int codeWidth) {
    public static ShardSpec of(IndexSettings s) {
        return new ShardSpec(s.dim(), s.nbits(), s.codeWidth());
    }

    public int residualBytesPerToken() {
        return dim * nbits / 8;
    }
}
