package io.tartan.query;

/** A text query reached an index that has no query encoder; the client should send vectors or the operator add a model. */
public final class MissingEncoderException extends IllegalStateException {
    public MissingEncoderException(String message) {
        super(message);
    }
}
