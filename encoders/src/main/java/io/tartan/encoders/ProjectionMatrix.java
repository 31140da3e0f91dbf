package io.tartan.encoders;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The hidden → dim linear layer (no bias) ColBERT applies to every token state, for ONNX exports that stop at the
 * transformer. Stored [hidden, dim] row-major, so {@code y = x · W}.
 */
final class ProjectionMatrix {
  private final float[] weights;
  private final int inDim;
  private final int outDim;

  private ProjectionMatrix(float[] weights, int inDim, int outDim) {
    this.weights = weights;
    this.inDim = inDim;
    this.outDim = outDim;
  }

  /**
   * Reads a .npy (any 2-D float32/float64) or a raw little-endian float32 file whose length fixes its width.
   *
   * @param transposed the file holds [dim, hidden] (torch {@code Linear.weight}) instead of [hidden, dim]
   */
  static ProjectionMatrix load(byte[] bytes, String location, int hiddenSize, boolean transposed) {
    int rows;
    int cols;
    float[] data;
    try {
      if (NpyFloatMatrix.looksLikeNpy(bytes)) {
        NpyFloatMatrix npy = NpyFloatMatrix.parse(bytes);
        rows = npy.rows;
        cols = npy.cols;
        data = npy.data;
      } else {
        if (bytes.length == 0 || bytes.length % (4L * hiddenSize) != 0) {
          throw new IllegalArgumentException("raw float32 file of " + bytes.length
              + " bytes is not a whole number of rows of hidden_size " + hiddenSize);
        }
        int other = bytes.length / 4 / hiddenSize;
        rows = transposed ? other : hiddenSize;
        cols = transposed ? hiddenSize : other;
        data = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
      }
    } catch (IllegalArgumentException e) {
      throw new EncoderException("projection file " + location + ": " + e.getMessage(), e);
    }
    int expectedIn = transposed ? cols : rows;
    if (expectedIn != hiddenSize) {
      throw new EncoderException("projection file " + location + " is [" + rows + ", " + cols + "]; expected "
          + (transposed ? "[dim, " + hiddenSize + "] (projection_transposed)" : "[" + hiddenSize + ", dim]"));
    }
    if (!transposed) {
      return new ProjectionMatrix(data, rows, cols);
    }
    float[] t = new float[data.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = data[r * cols + c];
      }
    }
    return new ProjectionMatrix(t, cols, rows);
  }

  int outDim() {
    return outDim;
  }

  /** dst[0, keep) = (x · W)[0, keep): only the columns a Matryoshka truncation keeps are computed. */
  void apply(float[] x, int xOffset, float[] dst, int dstOffset, int keep) {
    for (int j = 0; j < keep; j++) {
      dst[dstOffset + j] = 0f;
    }
    for (int i = 0; i < inDim; i++) {
      float xi = x[xOffset + i];
      int row = i * outDim;
      for (int j = 0; j < keep; j++) {
        dst[dstOffset + j] += xi * weights[row + j];
      }
    }
  }
}
