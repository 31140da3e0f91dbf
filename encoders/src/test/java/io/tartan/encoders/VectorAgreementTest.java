package io.tartan.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VectorAgreementTest {
  private static TokenEmbeddings rows(float[]... rows) {
    int dim = rows[0].length;
    float[] flat = new float[rows.length * dim];
    String[] tokens = new String[rows.length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * dim, dim);
      tokens[r] = "t" + r;
    }
    return new TokenEmbeddings(flat, rows.length, dim, tokens, new int[rows.length]);
  }

  @Test
  void identicalEncodingsAgreeExactly() {
    TokenEmbeddings doc = rows(new float[] {0.6f, 0.8f}, new float[] {1, 0});
    VectorAgreement a = new VectorAgreement();
    a.add(List.of(doc), List.of(doc));
    assertEquals(2, a.vectors());
    assertEquals(0, a.maxAbsDiff());
    assertEquals(1, a.minCosine(), 1e-12);
    assertEquals(1, a.meanCosine(), 1e-12);
  }

  @Test
  void reportsTheLargestComponentDifferenceAndTheWorstCosine() {
    VectorAgreement a = new VectorAgreement();
    a.add(List.of(rows(new float[] {1, 0}, new float[] {0, 1})),
        List.of(rows(new float[] {1, 0}, new float[] {0.6f, 0.8f})));
    assertEquals(0.6, a.maxAbsDiff(), 1e-6);
    assertEquals(0.8, a.minCosine(), 1e-6);
    assertEquals(0.9, a.meanCosine(), 1e-6);
  }

  @Test
  void documentsWithOtherRowCountsAreCountedNotCompared() {
    VectorAgreement a = new VectorAgreement();
    a.add(rows(new float[] {1, 0}), rows(new float[] {1, 0}, new float[] {0, 1}));
    assertEquals(1, a.rowMismatches());
    assertEquals(0, a.vectors());
    assertTrue(Double.isNaN(a.minCosine()), "no vector compared: no cosine to report");
  }
}
