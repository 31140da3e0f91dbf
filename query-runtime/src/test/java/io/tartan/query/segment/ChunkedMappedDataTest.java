package io.tartan.query.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkedMappedDataTest {
    @TempDir
    Path dir;

    @Test
    void readsAcrossChunkBoundariesEqualTheFileBytes() throws IOException {
        byte[] bytes = new byte[1000 * 4 + 6];
        new Random(3).nextBytes(bytes);
        Path f = Files.write(dir.resolve("data"), bytes);
        ByteBuffer want = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int power : new int[] {6, 7, 12, 30}) {
            ChunkedMappedData d = ChunkedMappedData.map(f, power);
            assertEquals(bytes.length, d.length());
            assertEquals((bytes.length + (1 << power) - 1) >> power, d.chunks());
            for (int at = 0; at + 8 <= bytes.length; at += 4) {
                assertEquals(want.getInt(at), d.getInt(at));
                assertEquals(want.getFloat(at), d.getFloat(at));
                if (at % 8 == 0) {
                    assertEquals(want.getLong(at), d.getLong(at));
                }
            }
            for (int at = 0; at < bytes.length; at += 37) {
                assertEquals(bytes[at], d.getByte(at));
            }
            for (int at : new int[] {0, 4, 60, 64, 124, 128, 1020, 2000}) {
                for (int len : new int[] {0, 1, 15, 16, 17, 100, 500}) {
                    if (at + 4 * len > bytes.length) {
                        continue;
                    }
                    int[] ints = new int[len + 2];
                    d.getInts(at, ints, 2, len);
                    float[] floats = new float[len];
                    d.getFloats(at, floats, 0, len);
                    byte[] raw = new byte[Math.min(4 * len, bytes.length - at - 1)];
                    d.getBytes(at + 1, raw, 0, raw.length);
                    for (int i = 0; i < len; i++) {
                        assertEquals(want.getInt(at + 4 * i), ints[2 + i], "power " + power + " at " + at + " i " + i);
                        assertEquals(want.getFloat(at + 4 * i), floats[i]);
                    }
                    assertArrayEquals(Arrays.copyOfRange(bytes, at + 1, at + 1 + raw.length), raw);
                }
            }
        }
    }

    @Test
    void chunkSizeOutsideTheRangeIsRejected() throws IOException {
        Path f = Files.write(dir.resolve("data"), new byte[10]);
        assertThrows(IllegalArgumentException.class, () -> ChunkedMappedData.map(f, 5));
        assertThrows(IllegalArgumentException.class, () -> ChunkedMappedData.map(f, 31));
        assertEquals(10, ChunkedMappedData.map(f, 6).length());
    }
}
