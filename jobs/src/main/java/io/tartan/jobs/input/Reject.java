package io.tartan.jobs.input;

import java.io.Serializable;

/**
 * Why an input row was not indexed.
 *
 * @param kind   a short stable code, counted per kind in the build summary
 * @param detail a sentence for the person reading {@code _rejected/}
 */
public record Reject(String kind, String detail) implements Serializable {
    public static final String BAD_JSON = "bad_json";
    public static final String BAD_ROW = "bad_row";
    public static final String MISSING_ID = "missing_id";
    public static final String DUPLICATE_ID = "duplicate_id";
    public static final String EMPTY_TEXT = "empty_text";
    public static final String EMPTY_VECTORS = "empty_vectors";
    public static final String WRONG_DIM = "wrong_dim";
    public static final String NON_FINITE = "non_finite";

    public static Reject of(String kind, String detail) {
        return new Reject(kind, detail);
    }
}
