package io.tartan.format;

/** An index file is malformed, fails its checksum, or contradicts its manifest. The message names the file. */
public class IndexFormatException extends RuntimeException {
    public IndexFormatException(String message) {
        super(message);
    }

    public IndexFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
