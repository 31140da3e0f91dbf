package io.tartan.query;

/** The model given for text queries is not the one the index was built with: its vectors would not match. */
public final class EncoderMismatchException extends IllegalArgumentException {
    public EncoderMismatchException(String message) {
        super(message);
    }
}
