package io.tartan.jobs.bench;

import java.nio.charset.StandardCharsets;

/** The bytes of a version-1 {@code .npy} header for a little-endian C-order array (the reader is jobs' NpyHeader). */
final class NpyHeaderBytes {
    private NpyHeaderBytes() {
    }

    /** Padded so the data starts at a multiple of 64 bytes, as numpy writes it. */
    static byte[] of(String descr, long[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        // numpy's spelling: a 1-tuple keeps its comma
        s.append(shape.length == 1 ? ",), }" : "), }");
        int total = 10 + s.length() + 1;
        s.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        byte[] h = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length];
        out[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.ISO_8859_1), 0, out, 1, 5);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) (h.length & 0xff);
        out[9] = (byte) (h.length >> 8);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }
}
