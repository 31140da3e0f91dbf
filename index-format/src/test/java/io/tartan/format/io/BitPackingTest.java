package io.tartan.format.io;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BitPackingTest {
    @Test
    void packsEveryWidth() {
        Random rnd = new Random(3);
        for (int width = 0; width <= 63; width++) {
            int n = 37;
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = width == 0 ? 0 : rnd.nextLong() & ((1L << width) - 1);
            }
            ByteSink sink = new ByteSink();
            BitPacking.pack(v, 0, n, width, sink);
            assertEquals(BitPacking.packedBytes(n, width), sink.size(), "width " + width);
            long[] back = new long[n];
            ByteBuffer in = ByteBuffer.wrap(sink.toByteArray());
            BitPacking.unpack(in, n, width, back, 0);
            assertArrayEquals(v, back, "width " + width);
            assertEquals(sink.size(), in.position());
        }
    }

    @Test
    void littleEndianBitOrder() {
        ByteSink sink = new ByteSink();
        BitPacking.pack(new long[] {1, 2, 3}, 0, 3, 3, sink); // 001 010 011 → bits 1,0,0, 0,1,0, 1,1,0
        assertArrayEquals(new byte[] {(byte) 0b11010001, 0}, sink.toByteArray());
    }

    @Test
    void sortedListsRoundTrip() {
        int[] pids = {3, 4, 10, 1000, 1001, 70000};
        ByteSink sink = new ByteSink();
        SortedIntListCodec.write(sink, pids, 0, pids.length, new long[pids.length]);
        SortedIntListCodec.write(sink, pids, 0, 0, new long[1]);
        ByteBuffer in = ByteBuffer.wrap(sink.toByteArray());
        int n = SortedIntListCodec.readLength(in);
        int[] out = new int[n];
        SortedIntListCodec.readValues(in, n, out, 0, new long[n]);
        assertArrayEquals(pids, out);
        assertEquals(0, SortedIntListCodec.readLength(in));
        assertEquals(0, in.remaining());
    }
}
