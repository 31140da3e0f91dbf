package io.tartan.encoders;

import java.util.List;

/**
 * How far one encoding of a corpus is from another (CUDA against the CPU): the largest absolute difference of any
 * component, and the smallest and mean cosine between matching token vectors. Documents whose row counts differ
 * are counted, not compared: they mean the two runs kept different tokens, which no tolerance excuses.
 */
final class VectorAgreement {
  private long vectors;
  private long rowMismatches;
  private double maxAbsDiff;
  private double minCosine = Double.POSITIVE_INFINITY;
  private double cosineSum;

  /** Adds documents {@code expected.get(i)} vs {@code actual.get(i)}. */
  void add(List<TokenEmbeddings> expected, List<TokenEmbeddings> actual) {
    if (expected.size() != actual.size()) {
      throw new IllegalArgumentException("document counts differ: " + expected.size() + " vs " + actual.size());
    }
    for (int d = 0; d < expected.size(); d++) {
      add(expected.get(d), actual.get(d));
    }
  }

  void add(TokenEmbeddings expected, TokenEmbeddings actual) {
    if (expected.numTokens() != actual.numTokens() || expected.dim() != actual.dim()) {
      rowMismatches++;
      return;
    }
    float[] a = expected.vectors();
    float[] b = actual.vectors();
    int dim = expected.dim();
    for (int r = 0; r < expected.numTokens(); r++) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int i = r * dim; i < (r + 1) * dim; i++) {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs((double) a[i] - b[i]));
        dot += (double) a[i] * b[i];
        na += (double) a[i] * a[i];
        nb += (double) b[i] * b[i];
      }
      // two zero rows are the same vector; one zero row against a non-zero one shares no direction
      double cos = na == 0 && nb == 0 ? 1 : na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
      minCosine = Math.min(minCosine, cos);
      cosineSum += cos;
      vectors++;
    }
  }

  long vectors() {
    return vectors;
  }

  long rowMismatches() {
    return rowMismatches;
  }

  double maxAbsDiff() {
    return maxAbsDiff;
  }

  /** Smallest cosine seen; NaN before any vector was compared. */
  double minCosine() {
    return vectors == 0 ? Double.NaN : minCosine;
  }

  double meanCosine() {
    return vectors == 0 ? Double.NaN : cosineSum / vectors;
  }
}
