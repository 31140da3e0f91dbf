package io.tartan.format.io;

import io.tartan.format.CorruptFileException;

import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * File checksums as written in manifests: {@code "crc32c:"} followed by 8 lower-case hex digits (FORMAT.md,
 * "Checksums"). CRC32C is hardware accelerated on the JVM, so verifying a shard costs far less than parsing it.
 */
public final class Checksums {
    public static final String CRC32C_PREFIX = "crc32c:";

    private Checksums() {
    }

    public static String crc32c(byte[] bytes, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, off, len);
        return format(crc.getValue());
    }

    public static String crc32c(byte[] bytes) {
        return crc32c(bytes, 0, bytes.length);
    }

    public static String format(long crc32cValue) {
        return CRC32C_PREFIX + String.format(Locale.ROOT, "%08x", crc32cValue);
    }

    /**
     * Checks a file's size and checksum against what the manifest recorded ({@code expectedSize} &lt; 0 or a null
     * {@code expectedChecksum}: not recorded).
     *
     * @throws CorruptFileException naming the file when either differs
     */
    public static void check(String name, long expectedSize, long size, String expectedChecksum, String actual) {
        if (expectedSize >= 0 && size != expectedSize) {
            throw new CorruptFileException(name + ": size " + size + " bytes, manifest says " + expectedSize);
        }
        if (expectedChecksum != null && !actual.equals(expectedChecksum)) {
            throw new CorruptFileException(name + ": checksum mismatch (file " + actual + ", manifest "
                    + expectedChecksum + "); the file is corrupt or was replaced");
        }
    }
}
