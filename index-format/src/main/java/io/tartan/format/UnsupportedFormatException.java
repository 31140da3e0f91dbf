package io.tartan.format;

/** A file declares a format version (or file type) that this reader does not understand. */
public class UnsupportedFormatException extends IndexFormatException {
    public UnsupportedFormatException(String message) {
        super(message);
    }
}
