package io.tartan.encoders;

import java.util.List;

/**
 * What happens to a token's ONNX output before it is stored: optional projection (hidden → width), Matryoshka
 * truncation to the first dim columns, then L2 normalisation (ColBERT's order). Stateless and thread-safe.
 */
final class OutputHead {
  private final int hiddenSize;
  private final ProjectionMatrix projection;
  private final int dim;

  /**
   * @param projection or null
   * @param dim output dim; 0 = the full width
   */
  OutputHead(int hiddenSize, ProjectionMatrix projection, int dim, List<Integer> matryoshkaDims,
      String configName) {
    this.hiddenSize = hiddenSize;
    this.projection = projection;
    int width = projection == null ? hiddenSize : projection.outDim();
    int resolved = dim == 0 ? width : dim;
    if (resolved > width) {
      throw new EncoderException("model config " + configName + ": dim " + resolved + " exceeds the "
          + (projection == null ? "hidden_size " : "projection width ") + width);
    }
    if (resolved < width && !matryoshkaDims.contains(resolved)) {
      throw new EncoderException("model config " + configName + ": dim " + resolved + " truncates width " + width
          + " but is not one of matryoshka_dims " + matryoshkaDims);
    }
    this.dim = resolved;
  }

  int dim() {
    return dim;
  }

  /** Writes the normalised vector of the token state at {@code states[offset, offset + hidden)} to dst. */
  void apply(float[] states, int offset, float[] dst, int dstOffset) {
    if (projection != null) {
      projection.apply(states, offset, dst, dstOffset, dim);
    } else {
      System.arraycopy(states, offset, dst, dstOffset, dim);
    }
    double sum = 0;
    for (int j = 0; j < dim; j++) {
      float v = dst[dstOffset + j];
      sum += v * v;
    }
    // torch.nn.functional.normalize's eps: an all-zero state stays zero rather than becoming NaN
    float scale = (float) (1.0 / Math.max(Math.sqrt(sum), 1e-12));
    for (int j = 0; j < dim; j++) {
      dst[dstOffset + j] *= scale;
    }
  }

  int hiddenSize() {
    return hiddenSize;
  }
}
