package io.tartan.format.codec;

import io.tartan.format.IndexFormatException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SortedCodesTest {
    @Test
    void goldenBytesOfTheSpecExample() {
        // FORMAT.md "Codes": runs 3×2, 7×1, 20×1; gaps 3, 3, 12; b = 2
        byte[] enc = SortedCodes.encode(new int[] {3, 3, 7, 20}, 0, 4);
        assertArrayEquals(new byte[] {0x02, (byte) 0xCE, 0x0E}, enc);
        assertArrayEquals(new int[] {3, 3, 7, 20}, SortedCodes.decode(enc, 4, 21, "d"));
    }

    @Test
    void goldenBytesOfEdgeCases() {
        // one token with code 0: b = 0, gap 0 → '0', count 1 → '0'
        assertArrayEquals(new byte[] {0x00, 0x00}, SortedCodes.encode(new int[] {0}, 0, 1));
        // five tokens of code 0: gap '0', count 5 → '11110'
        assertArrayEquals(new byte[] {0x00, 0x1E}, SortedCodes.encode(new int[] {0, 0, 0, 0, 0}, 0, 5));
        // one token of code 65535: b = 15 and b = 16 both take 17 bits for the gap; ties go to the smaller b
        // (quotient 1 → '10', 15 low one-bits, count 1 → '0')
        byte[] big = SortedCodes.encode(new int[] {65535}, 0, 1);
        assertArrayEquals(new byte[] {15, (byte) 0xFD, (byte) 0xFF, 0x01}, big);
        assertArrayEquals(new int[] {65535}, SortedCodes.decode(big, 1, 65536, "d"));
    }

    @Test
    void randomListsRoundTrip() {
        Random rnd = new Random(17);
        for (int trial = 0; trial < 2000; trial++) {
            int k = 1 + rnd.nextInt(trial % 3 == 0 ? 300 : 1 << 20);
            int n = 1 + rnd.nextInt(trial % 5 == 0 ? 1000 : 80);
            int[] codes = new int[n];
            for (int i = 0; i < n; i++) {
                // repeats are common within a document: draw from a small pool half the time
                codes[i] = rnd.nextBoolean() && i > 0 ? codes[rnd.nextInt(i)] : rnd.nextInt(k);
            }
            Arrays.sort(codes);
            byte[] enc = SortedCodes.encode(codes, 0, n);
            int[] out = new int[n + 3];
            SortedCodes.decode(enc, n, k, out, 3, "d");
            assertArrayEquals(codes, Arrays.copyOfRange(out, 3, n + 3), "trial " + trial);
        }
    }

    @Test
    void sortedCodesAreSmallerThanFixedWidth() {
        Random rnd = new Random(2);
        int k = 16384;
        long bytes = 0;
        int tokens = 0;
        for (int doc = 0; doc < 500; doc++) {
            int n = 40 + rnd.nextInt(40);
            int[] codes = rnd.ints(n, 0, k).sorted().toArray();
            bytes += SortedCodes.encode(codes, 0, n).length;
            tokens += n;
        }
        // n distinct codes of k cost about log2(k/n) + 2.5 bits each: ~10.5 bits here, against 16 at fixed width
        double perToken = (double) bytes / tokens;
        assertTrue(perToken < 1.45, "bytes per token " + perToken);
    }

    @Test
    void malformedBytesAreRejectedWithTheDocumentNamed() {
        byte[] enc = SortedCodes.encode(new int[] {3, 3, 7, 20}, 0, 4);
        assertMalformed(enc, 5, 21, "truncated");                   // fewer codes than doclen
        assertMalformed(enc, 3, 21, "more than 3 codes");           // more codes than doclen
        assertMalformed(enc, 1, 21, "run of 2");                    // a run longer than doclen
        assertMalformed(enc, 4, 20, "code 20 of 20");               // code out of range
        assertMalformed(Arrays.copyOf(enc, 4), 4, 21, "more than"); // a trailing byte
        byte[] badB = enc.clone();
        badB[0] = 40;
        assertMalformed(badB, 4, 21, "Rice parameter 40");
        assertMalformed(new byte[0], 1, 21, "missing");
        assertThrows(IllegalArgumentException.class, () -> SortedCodes.encode(new int[] {5, 4}, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> SortedCodes.encode(new int[] {-1}, 0, 1));
    }

    private static void assertMalformed(byte[] enc, int doclen, int k, String part) {
        IndexFormatException e = assertThrows(IndexFormatException.class,
                () -> SortedCodes.decode(enc, doclen, k, "document 'x' (pid 1)"));
        assertTrue(e.getMessage().contains("document 'x' (pid 1)") && e.getMessage().contains(part), e.getMessage());
    }
}
