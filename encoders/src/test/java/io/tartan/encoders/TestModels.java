package io.tartan.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/** The bundled model as the tests use it, and small helpers over token matrices. */
final class TestModels {
  static final String ONNX_RESOURCE = "e5-small-v2.onnx";
  static final String TOKENIZER_RESOURCE = "e5-small-v2-tokenizer.json";

  /** Small batches and windows so that bucketing across several batches and windows is exercised. */
  static final EncoderOptions SMALL_BATCHES = EncoderOptions.defaults()
      .withIntraOpThreads(2).withBatchSize(3).withBucketWindow(7);

  private TestModels() {}

  static EncoderConfig bundled() {
    return EncoderConfig.bundled();
  }

  /** One encoder for all tests that only need the bundled model. */
  static TokenEncoder sharedBundled() {
    return TokenEncoders.shared(bundled(), SMALL_BATCHES);
  }

  /** Copies a classpath resource of the model jar to {@code dir}. */
  static Path copyResource(String resource, Path dir) {
    Path target = dir.resolve(resource);
    try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(resource)) {
      if (!Files.exists(target)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** token → id straight from the bundled tokenizer.json's WordPiece vocabulary, independent of the code. */
  static Map<String, Integer> tokenizerJsonVocab() {
    try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(TOKENIZER_RESOURCE)) {
      JsonNode vocab = new ObjectMapper().readTree(in).get("model").get("vocab");
      Map<String, Integer> ids = new HashMap<>();
      for (Map.Entry<String, JsonNode> e : vocab.properties()) {
        ids.put(e.getKey(), e.getValue().asInt());
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  static float[] normalized(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(sum));
    }
    return out;
  }

  static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }

  static String words(int n) {
    StringBuilder sb = new StringBuilder();
    String[] pool = {"retrieval", "late", "interaction", "with", "token", "vectors", "scales", "to", "large",
        "corpora", "protein", "binding", "assay", "results", "were", "significant"};
    for (int i = 0; i < n; i++) {
      sb.append(pool[(i * 7 + i / 3) % pool.length]).append(' ');
    }
    return sb.toString().trim();
  }
}
