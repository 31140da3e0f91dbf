package io.tartan.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyFloatMatrixTest {
  @Test
  void readsCOrderFloat32() {
    NpyFloatMatrix m = NpyFloatMatrix.parse(ProjectionAndMatryoshkaTest.npy(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    assertEquals(2, m.rows);
    assertEquals(3, m.cols);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, m.data);
  }

  @Test
  void readsFortranOrderFloat64AsRowMajorFloat32() {
    String dict = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
    String header = dict + " ".repeat(64 - (10 + dict.length() + 1) % 64) + "\n";
    ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 6 * 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
    buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (double v : new double[] {1, 4, 2, 5, 3, 6}) { // column by column
      buf.putDouble(v);
    }
    NpyFloatMatrix m = NpyFloatMatrix.parse(buf.array());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, m.data);
  }

  @Test
  void rejectsWrongSizesAndTypes() {
    byte[] good = ProjectionAndMatryoshkaTest.npy(new float[] {1, 2, 3, 4}, 2, 2);
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 4);
    assertThrows(IllegalArgumentException.class, () -> NpyFloatMatrix.parse(truncated));
    byte[] int32 = new String(good, StandardCharsets.ISO_8859_1).replace("<f4", "<i4")
        .getBytes(StandardCharsets.ISO_8859_1);
    assertThrows(IllegalArgumentException.class, () -> NpyFloatMatrix.parse(int32));
    assertThrows(IllegalArgumentException.class, () -> NpyFloatMatrix.parse(new byte[] {1, 2, 3}));
  }
}
