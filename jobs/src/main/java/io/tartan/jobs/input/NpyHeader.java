package io.tartan.jobs.input;

import java.io.DataInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0): magic {@code \x93NUMPY}, version,
 * header length (2 bytes in v1, 4 in v2/v3, little-endian), then a Python dict literal with {@code descr},
 * {@code fortran_order} and {@code shape}. Only little-endian, C-order arrays are accepted.
 *
 * @param descr      the dtype, e.g. {@code <f4}
 * @param shape      dimensions
 * @param dataOffset byte offset of the first element
 */
public record NpyHeader(String descr, long[] shape, long dataOffset) {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public static NpyHeader read(DataInput in, String name) throws IOException {
        byte[] magic = new byte[6];
        in.readFully(magic);
        if ((magic[0] & 0xff) != 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IllegalArgumentException(name + ": not a .npy file (bad magic)");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        long headerLen;
        int prefix;
        if (major == 1) {
            headerLen = in.readUnsignedByte() | (in.readUnsignedByte() << 8);
            prefix = 10;
        } else if (major == 2 || major == 3) {
            headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            prefix = 12;
        } else {
            throw new IllegalArgumentException(name + ": unsupported .npy version " + major);
        }
        byte[] header = new byte[Math.toIntExact(headerLen)];
        in.readFully(header);
        String dict = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(dict);
        Matcher f = FORTRAN.matcher(dict);
        Matcher s = SHAPE.matcher(dict);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IllegalArgumentException(name + ": malformed .npy header " + dict.trim());
        }
        if (f.group(1).equals("True")) {
            throw new IllegalArgumentException(name + ": Fortran-order arrays are not supported; save with C order");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.trim()));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        return new NpyHeader(d.group(1), shape, prefix + headerLen);
    }

    /** Checks the dtype and the number of dimensions; returns this. */
    public NpyHeader require(String name, int ndim, String... descrs) {
        if (!List.of(descrs).contains(descr)) {
            throw new IllegalArgumentException(name + ": dtype " + descr + ", expected one of " + List.of(descrs)
                    + " (little-endian)");
        }
        if (shape.length != ndim) {
            throw new IllegalArgumentException(name + ": " + shape.length + "-d array, expected " + ndim + "-d");
        }
        return this;
    }

    /** Bytes per element of the dtype. */
    public int itemSize() {
        return Integer.parseInt(descr.substring(2));
    }
}
