package io.tartan.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing, corrupt or mismatched files fail with a message naming the file (and the setting to fix). */
class ModelFileErrorsTest {
  @TempDir static Path models;
  @TempDir Path dir;

  private static Path onnx;
  private static Path tokenizer;

  @BeforeAll
  static void copyModel() {
    onnx = TestModels.copyResource(TestModels.ONNX_RESOURCE, models);
    tokenizer = TestModels.copyResource(TestModels.TOKENIZER_RESOURCE, models);
  }

  @Test
  void configWithRelativePathsLoadsAndEncodes() throws IOException {
    Path config = writeConfig(models, "relative.json", "\"onnx\": \"" + onnx.getFileName() + "\", \"tokenizer\": \""
        + tokenizer.getFileName() + "\", \"query_prefix\": \"query: \", \"doc_prefix\": \"passage: \"");
    EncoderConfig loaded = EncoderConfig.load(config);
    assertEquals(onnx.toString(), loaded.onnx());
    assertEquals("relative", loaded.id());
    try (TokenEncoder encoder = TokenEncoders.open(loaded, TestModels.SMALL_BATCHES)) {
      TokenEncoder bundled = TestModels.sharedBundled();
      assertEquals(bundled.checksum(), encoder.checksum(), "same bytes and settings, same checksum");
      assertTrue(TestModels.maxAbsDiff(bundled.encodeDocument("same model").vectors(),
          encoder.encodeDocument("same model").vectors()) < 1e-6);
    }
  }

  @Test
  void missingOnnxNamesTheFile() throws IOException {
    Path missing = dir.resolve("no-such-model.onnx");
    assertNamed(missing, config(missing.toString(), tokenizer.toString()));
  }

  @Test
  void corruptOnnxNamesTheFile() throws IOException {
    Path corrupt = dir.resolve("corrupt.onnx");
    Files.write(corrupt, "this is not a protobuf".getBytes());
    assertNamed(corrupt, config(corrupt.toString(), tokenizer.toString()));
    Files.write(corrupt, new byte[0]);
    assertNamed(corrupt, config(corrupt.toString(), tokenizer.toString()));
  }

  @Test
  void missingTokenizerNamesTheFile() throws IOException {
    Path missing = dir.resolve("tokenizer.json");
    assertNamed(missing, config(onnx.toString(), missing.toString()));
  }

  @Test
  void corruptTokenizerNamesTheFile() throws IOException {
    Path corrupt = dir.resolve("tokenizer.json");
    Files.writeString(corrupt, "{\"model\": {\"vocab\": {\"[unused0]\": 1");
    assertNamed(corrupt, config(onnx.toString(), corrupt.toString()));
    Files.writeString(corrupt, "{\"version\": \"1.0\"}");
    assertNamed(corrupt, config(onnx.toString(), corrupt.toString()));
    Files.writeString(corrupt, "{\"model\": {\"type\": \"Nonsense\", \"vocab\": {\"[unused0]\": 1}}}");
    assertNamed(corrupt, config(onnx.toString(), corrupt.toString()));
  }

  @Test
  void markerMissingFromVocabularyNamesTokenizerAndKey() throws IOException {
    Path config = writeConfig(dir, "m.json", "\"onnx\": \"" + onnx + "\", \"tokenizer\": \"" + tokenizer
        + "\", \"query_marker\": \"[QueryMarker]\"");
    EncoderException e = assertThrows(EncoderException.class,
        () -> TokenEncoders.open(EncoderConfig.load(config), TestModels.SMALL_BATCHES));
    assertTrue(e.getMessage().contains("query_marker") && e.getMessage().contains(tokenizer.toString()),
        e.getMessage());
  }

  @Test
  void wrongInputNamesAreReportedWithTheGraphsNames() throws IOException {
    Path config = writeConfig(dir, "x.json", "\"onnx\": \"" + onnx + "\", \"tokenizer\": \"" + tokenizer
        + "\", \"inputs\": {\"input_ids\": \"input_ids\", \"attention_mask\": \"attention_mask\"}");
    EncoderException e = assertThrows(EncoderException.class,
        () -> TokenEncoders.open(EncoderConfig.load(config), TestModels.SMALL_BATCHES));
    assertTrue(e.getMessage().contains(onnx.toString()) && e.getMessage().contains("token_type_ids")
        && e.getMessage().contains("inputs"), e.getMessage());
  }

  @Test
  void wrongHiddenSizeIsReported() throws IOException {
    Path config = writeConfig(dir, "h.json", "\"onnx\": \"" + onnx + "\", \"tokenizer\": \"" + tokenizer
        + "\", \"hidden_size\": 768");
    EncoderException e = assertThrows(EncoderException.class,
        () -> TokenEncoders.open(EncoderConfig.load(config), TestModels.SMALL_BATCHES));
    assertTrue(e.getMessage().contains("hidden_size") && e.getMessage().contains(onnx.toString()), e.getMessage());
  }

  @Test
  void badConfigFilesNameTheFile() throws IOException {
    Path missing = dir.resolve("absent.json");
    assertTrue(assertThrows(EncoderException.class, () -> EncoderConfig.load(missing)).getMessage()
        .contains(missing.toString()));
    Path typo = writeConfig(dir, "typo.json", "\"onnx\": \"m.onnx\", \"tokenizer\": \"t.json\", \"doc_max_len\": 180");
    EncoderException e = assertThrows(EncoderException.class, () -> EncoderConfig.load(typo));
    assertTrue(e.getMessage().contains(typo.toString()) && e.getMessage().contains("doc_max_len"), e.getMessage());
    Path noHidden = dir.resolve("nohidden.json");
    Files.writeString(noHidden, "{\"onnx\": \"m.onnx\", \"tokenizer\": \"t.json\"}");
    e = assertThrows(EncoderException.class, () -> EncoderConfig.load(noHidden));
    assertTrue(e.getMessage().contains(noHidden.toString()) && e.getMessage().contains("hidden_size"));
    Path notJson = dir.resolve("bad.json");
    Files.writeString(notJson, "{onnx: ");
    assertTrue(assertThrows(EncoderException.class, () -> EncoderConfig.load(notJson)).getMessage()
        .contains(notJson.toString()));
    Path tooLong = writeConfig(dir, "long.json", "\"onnx\": \"m.onnx\", \"tokenizer\": \"t.json\", "
        + "\"doc_maxlen\": 1000, \"model_max_length\": 512");
    e = assertThrows(EncoderException.class, () -> EncoderConfig.load(tooLong));
    assertTrue(e.getMessage().contains("model_max_length"), e.getMessage());
  }

  private static void assertNamed(Path file, EncoderConfig config) {
    EncoderException e = assertThrows(EncoderException.class,
        () -> TokenEncoders.open(config, TestModels.SMALL_BATCHES));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  private static EncoderConfig config(String onnxLocation, String tokenizerLocation) {
    return TestModels.bundled().withFiles(onnxLocation, tokenizerLocation);
  }

  /** A config with the bundled model's settings and hidden_size 384, plus {@code fields}. */
  private static Path writeConfig(Path folder, String name, String fields) throws IOException {
    String json = fields.contains("hidden_size") ? "{" + fields + "}" : "{\"hidden_size\": 384, " + fields + "}";
    return Files.writeString(folder.resolve(name), json);
  }
}
