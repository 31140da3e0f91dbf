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
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Document encoding throughput of the bundled model, through {@link TokenEncoder} and through bare
 * {@code OrtSession.run} on the same pre-tokenized, length-bucketed batches; their ratio is the encoder's
 * overhead (tokenization, formatting, tensor building, skiplist, normalisation). Not a test: run with
 * <pre>
 * mvn -q -pl encoders test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.tartan.encoders.EncoderBenchmark \
 *     -Dexec.args="--corpus ../shared/data/scifact/corpus.jsonl --docs 1000 --batch-sizes 1,8,32,64 --threads 2"
 * </pre>
 * Tokens counted are the non-padding input tokens (CLS, marker, text tokens, SEP), the same for both paths.
 */
public final class EncoderBenchmark {
  private static final int WINDOW = 256;

  private EncoderBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    Path corpus = Path.of(opts.getOrDefault("corpus", "../shared/data/scifact/corpus.jsonl"));
    int docs = Integer.parseInt(opts.getOrDefault("docs", "1000"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
    int[] batchSizes = Arrays.stream(opts.getOrDefault("batch-sizes", "1,8,32,64").split(","))
        .mapToInt(Integer::parseInt).toArray();

    List<String> texts = readCorpus(corpus, docs);
    EncoderConfig config = EncoderConfig.bundledMiniLm();
    EncoderOptions base = EncoderOptions.defaults().withIntraOpThreads(threads);
    System.out.printf(Locale.ROOT, "# %d docs from %s, %s, %d intra-op threads, %d cores, rounds %d%n",
        texts.size(), corpus, config.id(), threads, Runtime.getRuntime().availableProcessors(), rounds);

    try (OnnxTokenEncoder probe = new OnnxTokenEncoder(config, base, true)) {
      long t0 = System.nanoTime();
      FormattedText[] formatted = probe.formatter().documents(texts);
      double tokenizeSeconds = (System.nanoTime() - t0) / 1e9;
      long inputTokens = Arrays.stream(formatted).mapToLong(FormattedText::length).sum();
      probe.encodeDocuments(texts.subList(0, 8)); // warm-up
      System.out.printf(Locale.ROOT, "# input tokens %d (%.1f per doc); tokenize+format alone %.3f s (%.0f tokens/s)%n",
          inputTokens, inputTokens / (double) texts.size(), tokenizeSeconds, inputTokens / tokenizeSeconds);

      System.out.println("| batch | TokenEncoder tokens/s | bare OrtSession.run tokens/s | ratio | padding |");
      System.out.println("|---:|---:|---:|---:|---:|");
      for (int batch : batchSizes) {
        // windows of WINDOW texts for every batch size, so the corpus splits into the same chunks each time
        EncoderOptions options = base.withBatchSize(batch).withBucketWindow(Math.max(WINDOW, batch));
        int window = options.bucketWindow();
        try (OnnxTokenEncoder encoder = new OnnxTokenEncoder(config, options, true)) {
          // the baseline runs on the encoder's own session: same settings, same warm arena, no second thread pool
          OrtSession bare = encoder.session();
          encoder.encodeDocuments(texts.subList(0, 8));
          runBare(bare, config, prepare(formatted, new int[] {0, 1, 2, 3}, probe.padId()));
          long encNanos = 0;
          long bareNanos = 0;
          long padded = 0;
          long outputTokens = 0;
          // bare and encoder alternate batch by batch (and swap who goes first), so load from other processes
          // on this shared machine hits both alike. The encoder gets exactly the texts of the batch the bare
          // path runs, so it tokenizes, pads and runs the same batch.
          int turn = 0;
          for (int r = 0; r < rounds; r++) {
            for (int start = 0; start < texts.size(); start += window) {
              int end = Math.min(texts.size(), start + window);
              FormattedText[] slice = Arrays.copyOfRange(formatted, start, end);
              int[] lengths = Arrays.stream(slice).mapToInt(FormattedText::length).toArray();
              for (int[] plan : LengthBucketing.plan(lengths, batch, window)) {
                List<long[][]> prepared = prepare(slice, plan, probe.padId());
                padded += prepared.get(0)[0].length;
                List<String> batchTexts = new ArrayList<>();
                for (int i : plan) {
                  batchTexts.add(texts.get(start + i));
                }
                for (int k = 0; k < 2; k++, turn++) {
                  long t = System.nanoTime();
                  if (turn % 2 == 0) {
                    runBare(bare, config, prepared);
                    bareNanos += System.nanoTime() - t;
                  } else {
                    long kept = encoder.encodeDocuments(batchTexts).stream()
                        .mapToLong(TokenEmbeddings::numTokens).sum();
                    encNanos += System.nanoTime() - t;
                    outputTokens += r == 0 ? kept : 0;
                  }
                }
                turn++;
              }
            }
          }
          double encRate = rounds * inputTokens / (encNanos / 1e9);
          double bareRate = rounds * inputTokens / (bareNanos / 1e9);
          System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.3f | %.1f%% |%n", batch, encRate, bareRate,
              encRate / bareRate, 100.0 * (padded - rounds * inputTokens) / padded);
          if (batch == batchSizes[batchSizes.length - 1]) {
            System.out.printf(Locale.ROOT, "# output vectors after the punctuation skiplist: %d of %d input tokens%n",
                outputTokens, inputTokens);
          }
        }
      }
    }
  }

  /** Ready-made [ids, mask, shape] arrays for the batch {@code plan} of {@code texts}: tokenization is not timed. */
  private static List<long[][]> prepare(FormattedText[] texts, int[] plan, long padId) {
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
  private static void runBare(OrtSession session, EncoderConfig config, List<long[][]> batches)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (long[][] b : batches) {
      long[] shape = {b[2][0], b[2][1]};
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put(config.inputs().inputIds(), OnnxTensor.createTensor(env, LongBuffer.wrap(b[0]), shape));
      inputs.put(config.inputs().attentionMask(), OnnxTensor.createTensor(env, LongBuffer.wrap(b[1]), shape));
      inputs.put(config.inputs().tokenTypeIds(),
          OnnxTensor.createTensor(env, LongBuffer.wrap(new long[b[0].length]), shape));
      try (OrtSession.Result result = session.run(inputs, Set.of(config.output()))) {
        result.get(0);
      } finally {
        inputs.values().forEach(OnnxTensor::close);
      }
    }
  }

  private static List<String> readCorpus(Path corpus, int limit) throws IOException {
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

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --key value pairs, got " + args[i]);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    return opts;
  }
}
