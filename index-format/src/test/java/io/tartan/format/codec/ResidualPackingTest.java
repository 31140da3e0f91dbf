package io.tartan.format.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResidualPackingTest {
    /**
     * Golden bytes computed with ColBERT's own recipe in numpy:
     * {@code np.packbits(((b[..., None] >> np.arange(nbits)) & 1).flatten())}.
     */
    @Test
    void bitLayoutMatchesColbertBinarize() {
        assertArrayEquals(bytes(0x27, 0xd8), pack(new int[] {0, 1, 2, 3, 3, 2, 1, 0}, 2));
        assertArrayEquals(bytes(0x0a, 0x5f, 0x84, 0xc2), pack(new int[] {0, 5, 10, 15, 1, 2, 3, 4}, 4));
        assertArrayEquals(bytes(0xb1), pack(new int[] {1, 0, 1, 1, 0, 0, 0, 1}, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void unpackInvertsPack(int nbits) {
        Random rnd = new Random(nbits);
        int dim = 128;
        int[] buckets = new int[dim];
        for (int i = 0; i < dim; i++) {
            buckets[i] = rnd.nextInt(1 << nbits);
        }
        byte[] packed = pack(buckets, nbits);
        int[] out = new int[dim];
        ResidualPacking.unpack(packed, 0, dim, nbits, out, 0);
        assertArrayEquals(buckets, out);
    }

    @Test
    void rejectsUnsupportedCombinations() {
        assertThrows(IllegalArgumentException.class, () -> ResidualPacking.requireSupported(128, 3));
        assertThrows(IllegalArgumentException.class, () -> ResidualPacking.requireSupported(100, 2));
    }

    private static byte[] pack(int[] buckets, int nbits) {
        byte[] out = new byte[ResidualPacking.bytesPerToken(buckets.length, nbits)];
        ResidualPacking.pack(buckets, 0, buckets.length, nbits, out, 0);
        return out;
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }
}
