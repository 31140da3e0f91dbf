package io.tartan.format.io;

import io.tartan.format.FormatVersion;
import io.tartan.format.IndexFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Envelope shared by Tartan's binary files (codec, IVF, deletion vectors), in the manner of Lucene's CodecUtil:
 * a header {@code magic(4) major(u8) minor(u8) reserved(u16)} and a footer {@code crc32c(u32) magic(4)} where the
 * CRC covers every byte before it. All numbers are little-endian (FORMAT.md, "Binary files").
 */
public final class BinaryFile {
    public static final int HEADER_BYTES = 8;
    public static final int FOOTER_BYTES = 8;

    private BinaryFile() {
    }

    /** Writes the header and returns a buffer positioned after it; the caller then appends the body. */
    public static ByteBuffer begin(String magic, int bodyBytes) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + bodyBytes + FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(magicBytes(magic));
        buf.put((byte) FormatVersion.MAJOR).put((byte) FormatVersion.MINOR).putShort((short) 0);
        return buf;
    }

    /** Appends the footer and returns the file's bytes. */
    public static byte[] finish(ByteBuffer buf, String magic) {
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        buf.put(magicBytes(magic));
        if (buf.position() != buf.capacity()) {
            throw new IllegalStateException("body size mismatch: wrote " + buf.position() + " of " + buf.capacity());
        }
        return buf.array();
    }

    /**
     * Checks header, version and footer CRC and returns a buffer over the body (position after the header, limit
     * before the footer).
     */
    public static ByteBuffer open(byte[] bytes, String magic, String fileName) {
        if (bytes.length < HEADER_BYTES + FOOTER_BYTES) {
            throw new IndexFormatException(fileName + ": truncated (" + bytes.length + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] head = new byte[4];
        buf.get(head);
        String found = new String(head, StandardCharsets.US_ASCII);
        if (!found.equals(magic)) {
            throw new IndexFormatException(fileName + ": not a " + magic + " file (magic '" + found + "')");
        }
        int major = buf.get() & 0xff;
        int minor = buf.get() & 0xff;
        buf.getShort();
        FormatVersion.requireSupported(major, minor, fileName);
        int footer = bytes.length - FOOTER_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, footer);
        int stored = ByteBuffer.wrap(bytes, footer, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (stored != (int) crc.getValue()) {
            throw new io.tartan.format.CorruptFileException(fileName + ": footer checksum mismatch; the file is corrupt");
        }
        buf.limit(footer);
        return buf;
    }

    private static byte[] magicBytes(String magic) {
        byte[] b = magic.getBytes(StandardCharsets.US_ASCII);
        if (b.length != 4) {
            throw new IllegalArgumentException("magic must be 4 ASCII bytes: " + magic);
        }
        return b;
    }
}
