package io.tartan.query.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A C-order NumPy array read from a {@code .npy} file (format versions 1–3): little-endian float32 ({@code <f4}) or
 * int64 ({@code <i8}), any shape. Used for precomputed query vectors and the synthetic benchmark.
 */
public final class NpyArray {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final long[] shape;
    private final float[] floats;
    private final long[] longs;

    private NpyArray(long[] shape, float[] floats, long[] longs) {
        this.shape = shape;
        this.floats = floats;
        this.longs = longs;
    }

    public static NpyArray read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(head, 0);
            head.flip();
            byte[] magic = new byte[6];
            head.get(magic);
            if (magic[0] != (byte) 0x93 || !"NUMPY".equals(new String(magic, 1, 5, StandardCharsets.US_ASCII))) {
                throw new IllegalArgumentException(file + ": not a .npy file (bad magic)");
            }
            int major = head.get();
            head.get();
            long headerLen;
            long dataStart;
            if (major == 1) {
                headerLen = head.getShort() & 0xffff;
                dataStart = 10 + headerLen;
            } else {
                headerLen = head.getInt() & 0xffffffffL;
                dataStart = 12 + headerLen;
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, dataStart - headerLen);
            String header = new String(hb.array(), StandardCharsets.ISO_8859_1);
            String descr = group(DESCR, header, file);
            if ("True".equals(group(FORTRAN, header, file))) {
                throw new IllegalArgumentException(file + ": Fortran-order arrays are not supported");
            }
            long[] shape = Arrays.stream(group(SHAPE, header, file).split(",")).map(String::trim)
                    .filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
            long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            int width = switch (descr) {
                case "<f4" -> 4;
                case "<i8" -> 8;
                default -> throw new IllegalArgumentException(file + ": dtype " + descr + " not supported (want <f4 or <i8)");
            };
            if (count * width > Integer.MAX_VALUE * 4L) {
                throw new IllegalArgumentException(file + ": too large");
            }
            ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, count * width).order(ByteOrder.LITTLE_ENDIAN);
            if (width == 4) {
                float[] f = new float[Math.toIntExact(count)];
                data.asFloatBuffer().get(f);
                return new NpyArray(shape, f, null);
            }
            long[] l = new long[Math.toIntExact(count)];
            data.asLongBuffer().get(l);
            return new NpyArray(shape, null, l);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String group(Pattern p, String header, Path file) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(file + ": malformed .npy header " + header.trim());
        }
        return m.group(1);
    }

    public long[] shape() {
        return shape.clone();
    }

    /** The values of a float32 array, row-major. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("not a float32 array");
        }
        return floats;
    }

    /** The values of an int64 array. */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("not an int64 array");
        }
        return longs;
    }
}
