package io.tartan.encoders;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 2-D float matrix read from NumPy's .npy format (little-endian float32 or float64, C or Fortran order), returned
 * row-major as float32.
 */
final class NpyFloatMatrix {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");

  final int rows;
  final int cols;
  final float[] data;

  private NpyFloatMatrix(int rows, int cols, float[] data) {
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  static boolean looksLikeNpy(byte[] bytes) {
    if (bytes.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Parses .npy bytes; the message of any error is meant to follow the file's name. */
  static NpyFloatMatrix parse(byte[] bytes) {
    if (!looksLikeNpy(bytes) || bytes.length < 10) {
      throw new IllegalArgumentException("not a .npy file");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6];
    int headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(buf.getShort(8));
      headerStart = 10;
    } else {
      headerLen = buf.getInt(8);
      headerStart = 12;
    }
    if (headerStart + headerLen > bytes.length) {
      throw new IllegalArgumentException("truncated .npy header");
    }
    String header = new String(bytes, headerStart, headerLen, StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, "descr");
    boolean fortran = group(FORTRAN, header, "fortran_order").equals("True");
    Matcher shape = SHAPE.matcher(header);
    if (!shape.find()) {
      throw new IllegalArgumentException("expected a 2-D array, header says " + header.trim());
    }
    int rows = Integer.parseInt(shape.group(1));
    int cols = Integer.parseInt(shape.group(2));
    int width = switch (descr) {
      case "<f4" -> 4;
      case "<f8" -> 8;
      default -> throw new IllegalArgumentException("dtype " + descr + " unsupported (use little-endian float32)");
    };
    long count = (long) rows * cols;
    int dataStart = headerStart + headerLen;
    if (bytes.length - dataStart != count * width) {
      throw new IllegalArgumentException("shape (" + rows + ", " + cols + ") needs " + count * width
          + " data bytes, file has " + (bytes.length - dataStart));
    }
    float[] data = new float[Math.toIntExact(count)];
    for (int i = 0; i < data.length; i++) {
      int r = fortran ? i % rows : i / cols;
      int c = fortran ? i / rows : i % cols;
      int at = dataStart + i * width;
      data[r * cols + c] = width == 4 ? buf.getFloat(at) : (float) buf.getDouble(at);
    }
    return new NpyFloatMatrix(rows, cols, data);
  }

  private static String group(Pattern pattern, String header, String key) {
    Matcher m = pattern.matcher(header);
    if (!m.find()) {
      throw new IllegalArgumentException("no '" + key + "' in .npy header " + header.trim());
    }
    return m.group(1);
  }
}
