package io.tartan.format;

/** A data file's bytes do not match the checksum recorded for it. */
public class CorruptFileException extends IndexFormatException {
    public CorruptFileException(String message) {
        super(message);
    }
}
