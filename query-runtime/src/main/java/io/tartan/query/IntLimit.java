package io.tartan.query;

import io.tartan.format.IndexFormatException;

/**
 * The counts the runtime still keeps in an {@code int} (rows of a served partition, rows and per-shard array sizes
 * while a segment is built, the length of one document): each is checked here, so going past the limit is an error
 * that names the index and the limit instead of an overflow or a {@code NegativeArraySizeException}.
 */
public final class IntLimit {
    /** The largest Java array length the JVM reliably allocates. */
    public static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private IntLimit() {
    }

    /**
     * {@code value} as an int.
     *
     * @param where the index (or file) the count belongs to
     * @param what  what is counted, e.g. "rows in one partition"
     * @param hint  what the user can do about it
     * @throws IndexFormatException if {@code value} is negative or above {@link #MAX_ARRAY}
     */
    public static int check(long value, String where, String what, String hint) {
        if (value < 0 || value > MAX_ARRAY) {
            throw new IndexFormatException(where + ": " + what + " is " + value + ", above the limit of " + MAX_ARRAY
                    + (hint == null ? "" : "; " + hint));
        }
        return (int) value;
    }
}
