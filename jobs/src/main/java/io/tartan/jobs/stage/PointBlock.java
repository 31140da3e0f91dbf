package io.tartan.jobs.stage;

import java.io.Serializable;

/**
 * A block of k-means training points ({@code [n × dim]}) with their ids ({@code pid·2^20 + token}), the unit
 * the distributed Lloyd step works on.
 */
public record PointBlock(long[] ids, float[] points) implements Serializable {
    /** Token positions per document that a point id can hold. */
    public static final int TOKEN_BITS = 20;

    public static long pointId(long pid, int token) {
        return (pid << TOKEN_BITS) | token;
    }

    public int size() {
        return ids.length;
    }
}
