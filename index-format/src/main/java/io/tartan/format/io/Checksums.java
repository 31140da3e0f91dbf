package io.tartan.format.io;

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
}
