package io.tartan.query.text;

/** A metadata filter that does not parse; the message names the 1-based character position. */
public final class FilterSyntaxException extends IllegalArgumentException {
    private final int position;

    FilterSyntaxException(String filter, int offset, String what) {
        super("filter: at position " + (offset + 1) + ": " + what + " in: " + filter);
        this.position = offset + 1;
    }

    /** 1-based character position of the error. */
    public int position() {
        return position;
    }
}
