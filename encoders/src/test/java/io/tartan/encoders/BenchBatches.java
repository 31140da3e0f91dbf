package io.tartan.encoders;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the encoder benchmarks share: the corpus they read, and the "bare" baseline — the same length-bucketed
 * batches an encoder would run, pre-tokenized and pre-padded, fed straight to {@code OrtSession.run}.
 * One prepared batch is {@code {ids, mask, {rows, seq}}}.
 */
final class BenchBatches {
  private BenchBatches() {}

  /** The first {@code limit} documents of a BEIR-style JSONL corpus as {@code title + " " + text}. */
  static List<String> readCorpus(Path corpus, int limit) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(corpus)) {
      for (String line; texts.size() < limit && (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode doc = json.readTree(line);
        String title = doc.path("title").asText("");
        String text = doc.path("text").asText("");
        texts.add(title.isEmpty() ? text : title + " " + text);
      }
    }
    return texts;
  }

  /**
   * Every batch an encoder with these options runs over {@code formatted}: windows of {@code window} texts in order,
   * each cut by {@link LengthBucketing}, exactly as {@code OnnxTokenEncoder} does.
   */
  static List<long[][]> plan(FormattedText[] formatted, int batch, int window, long padId) {
    List<long[][]> batches = new ArrayList<>();
    for (int start = 0; start < formatted.length; start += window) {
      FormattedText[] slice = Arrays.copyOfRange(formatted, start, Math.min(formatted.length, start + window));
      int[] lengths = Arrays.stream(slice).mapToInt(FormattedText::length).toArray();
      for (int[] plan : LengthBucketing.plan(lengths, batch, window)) {
        batches.addAll(prepare(slice, plan, padId));
      }
    }
    return batches;
  }

  /** Ready-made [ids, mask, shape] arrays for the batch {@code plan} of {@code texts}: tokenization is not timed. */
  static List<long[][]> prepare(FormattedText[] texts, int[] plan, long padId) {
    int seq = 0;
    for (int i : plan) {
      seq = Math.max(seq, texts[i].length());
    }
    long[] ids = new long[plan.length * seq];
    long[] mask = new long[plan.length * seq];
    Arrays.fill(ids, padId);
    for (int r = 0; r < plan.length; r++) {
      System.arraycopy(texts[plan[r]].ids(), 0, ids, r * seq, texts[plan[r]].length());
      Arrays.fill(mask, r * seq, r * seq + texts[plan[r]].attended(), 1L);
    }
    return List.<long[][]>of(new long[][] {ids, mask, {plan.length, seq}});
  }

  /** Tensor creation and OrtSession.run for each prepared batch; the output is not even read. */
  static void runBare(OrtSession session, EncoderConfig config, List<long[][]> batches) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (long[][] b : batches) {
      long[] shape = {b[2][0], b[2][1]};
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put(config.inputs().inputIds(), OnnxTensor.createTensor(env, LongBuffer.wrap(b[0]), shape));
      inputs.put(config.inputs().attentionMask(), OnnxTensor.createTensor(env, LongBuffer.wrap(b[1]), shape));
      if (config.inputs().tokenTypeIds() != null) {
        inputs.put(config.inputs().tokenTypeIds(),
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[b[0].length]), shape));
      }
      try (OrtSession.Result result = session.run(inputs, Set.of(config.output()))) {
        result.get(0);
      } finally {
        inputs.values().forEach(OnnxTensor::close);
      }
    }
  }
}
