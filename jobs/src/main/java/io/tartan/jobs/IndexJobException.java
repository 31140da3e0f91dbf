package io.tartan.jobs;

/** A job that stops on purpose (too many rejects, no documents, an index already there): a message, no stack. */
public final class IndexJobException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IndexJobException(String message) {
        super(message);
    }
}
