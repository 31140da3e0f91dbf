package io.tartan.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBucketingTest {
  @Test
  void sortsInsideWindowsAndSkipsEmptyTexts() {
    int[] lengths = {5, 0, 9, 1, 7, 3, 8, 2};
    List<int[]> batches = LengthBucketing.plan(lengths, 2, 4);
    // window [0,4): lengths 5,0,9,1 -> 2,0,3 ; window [4,8): 7,3,8,2 -> 6,4,5,7
    assertEquals(4, batches.size());
    assertArrayEquals(new int[] {2, 0}, batches.get(0));
    assertArrayEquals(new int[] {3}, batches.get(1));
    assertArrayEquals(new int[] {6, 4}, batches.get(2));
    assertArrayEquals(new int[] {5, 7}, batches.get(3));
  }

  @Test
  void everyNonEmptyTextIsPlannedExactlyOnce() {
    int[] lengths = new int[1000];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = (i * 7919) % 221;
    }
    int[] seen = new int[lengths.length];
    for (int[] batch : LengthBucketing.plan(lengths, 32, 256)) {
      for (int i : batch) {
        seen[i]++;
      }
    }
    for (int i = 0; i < lengths.length; i++) {
      assertEquals(lengths[i] == 0 ? 0 : 1, seen[i], "text " + i);
    }
    assertEquals(0, LengthBucketing.plan(new int[0], 4, 4).size());
    assertEquals(0, LengthBucketing.plan(new int[] {0, 0}, 4, 4).size());
  }
}
