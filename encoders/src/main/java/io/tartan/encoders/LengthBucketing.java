package io.tartan.encoders;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Groups texts into batches of similar length so that padding costs little: inside each window of consecutive
 * texts, indices are sorted by length (longest first) and cut into batches. The caller writes results back by
 * index, so its order is kept.
 */
final class LengthBucketing {
  private LengthBucketing() {}

  /**
   * @param lengths token count per text; texts of length 0 are left out (nothing to run)
   * @return batches of indices into {@code lengths}
   */
  static List<int[]> plan(int[] lengths, int batchSize, int window) {
    List<int[]> batches = new ArrayList<>();
    for (int start = 0; start < lengths.length; start += window) {
      int end = Math.min(lengths.length, start + window);
      Integer[] order = new Integer[end - start];
      int n = 0;
      for (int i = start; i < end; i++) {
        if (lengths[i] > 0) {
          order[n++] = i;
        }
      }
      Integer[] nonEmpty = Arrays.copyOf(order, n);
      // stable sort: equal lengths keep input order, so plans are deterministic
      Arrays.sort(nonEmpty, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
      for (int b = 0; b < n; b += batchSize) {
        int size = Math.min(batchSize, n - b);
        int[] batch = new int[size];
        for (int k = 0; k < size; k++) {
          batch[k] = nonEmpty[b + k];
        }
        batches.add(batch);
      }
    }
    return batches;
  }
}
