package io.tartan.encoders;

import java.util.Arrays;
import java.util.List;

/**
 * One text's token vectors: an [n_tokens × dim] float32 matrix, row-major, every row L2-normalised, with the
 * token strings and ids the rows came from (for debugging and tests).
 */
public final class TokenEmbeddings {
  private final float[] vectors;
  private final int numTokens;
  private final int dim;
  private final String[] tokens;
  private final int[] tokenIds;

  TokenEmbeddings(float[] vectors, int numTokens, int dim, String[] tokens, int[] tokenIds) {
    if (vectors.length != numTokens * dim || tokens.length != numTokens || tokenIds.length != numTokens) {
      throw new IllegalArgumentException("inconsistent token matrix");
    }
    this.vectors = vectors;
    this.numTokens = numTokens;
    this.dim = dim;
    this.tokens = tokens;
    this.tokenIds = tokenIds;
  }

  static TokenEmbeddings empty(int dim) {
    return new TokenEmbeddings(new float[0], 0, dim, new String[0], new int[0]);
  }

  /**
   * The row-major matrix, {@code numTokens() * dim()} floats. Not copied: callers must not modify it.
   */
  public float[] vectors() {
    return vectors;
  }

  /** Number of rows (kept tokens). */
  public int numTokens() {
    return numTokens;
  }

  /** Width of each row. */
  public int dim() {
    return dim;
  }

  /** A copy of row {@code i}. */
  public float[] row(int i) {
    if (i < 0 || i >= numTokens) {
      throw new IndexOutOfBoundsException("row " + i + " of " + numTokens);
    }
    return Arrays.copyOfRange(vectors, i * dim, (i + 1) * dim);
  }

  /** The token string of each row (markers, [MASK] padding and specials included). */
  public List<String> tokens() {
    return List.of(tokens);
  }

  /** The token id of each row (a copy). */
  public int[] tokenIds() {
    return tokenIds.clone();
  }

  @Override
  public String toString() {
    return "TokenEmbeddings[" + numTokens + " x " + dim + "]";
  }
}
