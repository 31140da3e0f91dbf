package io.tartan.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Projection files and Matryoshka truncation. The projection used is a scaled column selection (W[perm[j], j] = 2),
 * so its expected output follows from the unprojected vectors: normalize(2·h[perm]) = normalize(normalize(h)[perm]).
 */
class ProjectionAndMatryoshkaTest {
  private static final int OUT = 48;
  private static final List<String> DOCS = List.of("Late interaction retrieval scales.", "protein binding assay");

  @TempDir Path dir;

  private final TokenEncoder full = TestModels.sharedBundled();

  @Test
  void npyProjectionIsAppliedBeforeNormalisation() throws IOException {
    int[] perm = permutation();
    Path npy = dir.resolve("proj.npy");
    Files.write(npy, npy(selection(perm, false), 384, OUT));
    EncoderConfig config = TestModels.bundled().withProjection(npy.toString(), false, 0);
    try (TokenEncoder projected = TokenEncoders.open(config, TestModels.SMALL_BATCHES)) {
      assertEquals(OUT, projected.dim());
      assertSelected(perm, projected);
      assertNotEquals(full.checksum(), projected.checksum());
    }
  }

  @Test
  void rawTransposedFloat32ProjectionWorksToo() throws IOException {
    int[] perm = permutation();
    Path raw = dir.resolve("linear.weight.f32");
    Files.write(raw, littleEndian(selection(perm, true)));
    EncoderConfig config = TestModels.bundled().withProjection(raw.toString(), true, 0);
    try (TokenEncoder projected = TokenEncoders.open(config, TestModels.SMALL_BATCHES)) {
      assertEquals(OUT, projected.dim());
      assertSelected(perm, projected);
    }
  }

  @Test
  void matryoshkaKeepsTheFirstDimsAndRenormalises() throws IOException {
    Path json = dir.resolve("e5-128.json");
    Files.writeString(json, "{\"id\": \"e5-128\", \"onnx\": \"classpath:" + TestModels.ONNX_RESOURCE + "\","
        + " \"tokenizer\": \"classpath:" + TestModels.TOKENIZER_RESOURCE + "\", \"hidden_size\": 384,"
        + " \"dim\": 128, \"matryoshka_dims\": [128, 256],"
        + " \"query_prefix\": \"query: \", \"doc_prefix\": \"passage: \"}");
    try (TokenEncoder truncated = TokenEncoders.open(EncoderConfig.load(json), TestModels.SMALL_BATCHES)) {
      assertEquals(128, truncated.dim());
      List<TokenEmbeddings> got = truncated.encodeDocuments(DOCS);
      List<TokenEmbeddings> expected = full.encodeDocuments(DOCS);
      for (int d = 0; d < DOCS.size(); d++) {
        assertEquals(expected.get(d).numTokens(), got.get(d).numTokens());
        for (int i = 0; i < got.get(d).numTokens(); i++) {
          float[] want = TestModels.normalized(Arrays.copyOf(expected.get(d).row(i), 128));
          assertTrue(TestModels.maxAbsDiff(want, got.get(d).row(i)) < 1e-5);
        }
      }
    }
  }

  @Test
  void truncationToADimTheModelWasNotTrainedForIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestModels.bundled().withDim(100));
    assertTrue(e.getMessage().contains("matryoshka_dims"), e.getMessage());
  }

  @Test
  void projectionOfTheWrongShapeNamesTheFile() throws IOException {
    Path npy = dir.resolve("wrong.npy");
    Files.write(npy, npy(new float[100 * 8], 100, 8));
    EncoderConfig config = TestModels.bundled().withProjection(npy.toString(), false, 0);
    EncoderException e = assertThrows(EncoderException.class,
        () -> TokenEncoders.open(config, TestModels.SMALL_BATCHES));
    assertTrue(e.getMessage().contains(npy.toString()), e.getMessage());

    Path raw = dir.resolve("odd.f32");
    Files.write(raw, new byte[7]);
    EncoderConfig rawConfig = TestModels.bundled().withProjection(raw.toString(), false, 0);
    e = assertThrows(EncoderException.class, () -> TokenEncoders.open(rawConfig, TestModels.SMALL_BATCHES));
    assertTrue(e.getMessage().contains(raw.toString()), e.getMessage());
  }

  private void assertSelected(int[] perm, TokenEncoder projected) {
    List<TokenEmbeddings> got = projected.encodeDocuments(DOCS);
    List<TokenEmbeddings> expected = full.encodeDocuments(DOCS);
    for (int d = 0; d < DOCS.size(); d++) {
      assertEquals(expected.get(d).tokens(), got.get(d).tokens());
      for (int i = 0; i < got.get(d).numTokens(); i++) {
        float[] row = expected.get(d).row(i);
        float[] picked = new float[OUT];
        for (int j = 0; j < OUT; j++) {
          picked[j] = row[perm[j]];
        }
        assertTrue(TestModels.maxAbsDiff(TestModels.normalized(picked), got.get(d).row(i)) < 1e-5);
        assertEquals(1.0, TestModels.norm(got.get(d).row(i)), 1e-5);
      }
    }
  }

  private static int[] permutation() {
    int[] perm = new int[OUT];
    for (int j = 0; j < OUT; j++) {
      perm[j] = (j * 37 + 11) % 384;
    }
    return perm;
  }

  /** [384, OUT] (or [OUT, 384] when transposed) with 2.0 at (perm[j], j). */
  private static float[] selection(int[] perm, boolean transposed) {
    float[] w = new float[384 * OUT];
    for (int j = 0; j < OUT; j++) {
      w[transposed ? j * 384 + perm[j] : perm[j] * OUT + j] = 2.0f;
    }
    return w;
  }

  private static byte[] littleEndian(float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return buf.array();
  }

  static byte[] npy(float[] values, int rows, int cols) {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    buf.putShort((short) header.length());
    buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (float v : values) {
      buf.putFloat(v);
    }
    return buf.array();
  }
}
