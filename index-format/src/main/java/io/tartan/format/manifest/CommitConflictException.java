package io.tartan.format.manifest;

/** Another writer committed the same snapshot version first; nothing of this commit became visible. */
public class CommitConflictException extends RuntimeException {
    public CommitConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
