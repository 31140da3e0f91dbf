package io.tartan.jobs.stage;

import java.io.Serializable;

/**
 * A block of k-means points ({@code [n × dim]}) with their ids ({@code pid·2^20 + token}), the unit the distributed
 * Lloyd step works on: training points, or tokens held out of k-means for the residual codec ({@code heldout}).
 */
public record PointBlock(long[] ids, float[] points, boolean heldout) implements Serializable {
    /** Token positions per document that a point id can hold. */
    public static final int TOKEN_BITS = 20;

    /** A block of training points. */
    public PointBlock(long[] ids, float[] points) {
        this(ids, points, false);
    }

    public static long pointId(long pid, int token) {
        return (pid << TOKEN_BITS) | token;
    }

    public int size() {
        return ids.length;
    }
}
