package io.tartan.format.io;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BitStreamTest {
    @Test
    void fieldsAndUnaryRoundTripLeastSignificantBitFirst() {
        ByteSink sink = new ByteSink();
        BitWriter w = new BitWriter(sink);
        w.bits(0b101, 3);   // stream 1,0,1
        w.unary(2);         // 1,1,0
        w.rice(9, 2);       // 9 >>> 2 = 2 → 1,1,0; low bits 01 → 1,0
        w.finish();
        // bits 1,0,1,1,1,0,1,1 | 0,1,0 → 0xDD, 0x02
        assertArrayEquals(new byte[] {(byte) 0xDD, 0x02}, sink.toByteArray());
        BitReader r = new BitReader(sink.toByteArray(), 0, 2);
        assertEquals(0b101, r.bits(3));
        assertEquals(2, r.unary());
        assertEquals(9, r.rice(2));
        assertTrue(r.atPaddedEnd());
        assertEquals(2, r.nextByte());
        assertEquals(-1, r.bits(6), "only 5 padding bits left");
    }

    @Test
    void randomRiceCodesRoundTrip() {
        Random rnd = new Random(11);
        long[] values = new long[5000];
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextInt(1 << rnd.nextInt(30));
        }
        int b = BitWriter.bestRiceParameter(values, 0, values.length, 31);
        ByteSink sink = new ByteSink();
        BitWriter w = new BitWriter(sink);
        long bits = 0;
        for (long v : values) {
            w.rice(v, b);
            bits += BitWriter.riceBits(v, b);
        }
        w.finish();
        assertEquals((bits + 7) / 8, sink.size());
        BitReader r = new BitReader(sink.toByteArray(), 0, sink.size());
        for (long v : values) {
            assertEquals(v, r.rice(b));
        }
        assertTrue(r.atPaddedEnd());
    }

    @Test
    void readsPastTheEndReturnMinusOne() {
        BitReader r = new BitReader(new byte[] {(byte) 0xFF}, 0, 1);
        assertEquals(-1, r.unary(), "eight one-bits and no terminating zero");
        BitReader r2 = new BitReader(new byte[] {0x01}, 0, 1);
        assertEquals(-1, r2.bits(9));
        assertFalse(new BitReader(new byte[] {0, 0}, 0, 2).atPaddedEnd(), "a whole byte left over");
    }

    @Test
    void sortedListGoldenBytes() {
        // FORMAT.md "Sorted pid list": [5, 6, 9, 20] → n 4, first 5, b 2, gaps − 1 = 0, 2, 10
        ByteSink sink = new ByteSink();
        SortedIntListCodec.write(sink, new int[] {5, 6, 9, 20}, 0, 4, new long[3]);
        assertArrayEquals(new byte[] {0x04, 0x05, 0x02, (byte) 0xE0, 0x04}, sink.toByteArray());
        ByteBuffer in = ByteBuffer.wrap(sink.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        int n = SortedIntListCodec.readLength(in);
        int[] out = new int[n];
        SortedIntListCodec.readValues(in, n, out, 0, null);
        assertArrayEquals(new int[] {5, 6, 9, 20}, out);
        assertFalse(in.hasRemaining());
        // consecutive pids: b = 0, one zero-bit each
        ByteSink run = new ByteSink();
        SortedIntListCodec.write(run, new int[] {7, 8, 9, 10}, 0, 4, new long[3]);
        assertArrayEquals(new byte[] {0x04, 0x07, 0x00, 0x00}, run.toByteArray());
        assertThrows(IllegalArgumentException.class,
                () -> SortedIntListCodec.write(new ByteSink(), new int[] {3, 3}, 0, 2, new long[1]));
    }
}
