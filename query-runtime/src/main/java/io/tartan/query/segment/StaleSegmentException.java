package io.tartan.query.segment;

/** A serving segment file that cannot be used as it is (truncated, corrupt, another layout or another shard): rebuild it. */
public final class StaleSegmentException extends RuntimeException {
    public StaleSegmentException(String message) {
        super(message);
    }
}
