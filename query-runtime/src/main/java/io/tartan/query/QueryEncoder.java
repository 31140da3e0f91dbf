package io.tartan.query;

/** Turns query text into token vectors {@code [nq × dim]}; lets the runtime work with or without a model. */
public interface QueryEncoder extends AutoCloseable {
    float[] encodeQuery(String text);

    int dim();

    /** Id of the encoder, compared with the index's {@code encoder-id}. */
    String encoderId();

    @Override
    default void close() {
    }
}
