package io.tartan.encoders;

import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
    BenchArgs opts = new BenchArgs(args);
    Path corpus = Path.of(opts.get("corpus", "../shared/data/scifact/corpus.jsonl"));
    int docs = Integer.parseInt(opts.get("docs", "1000"));
    int threads = Integer.parseInt(opts.get("threads", "2"));
    int rounds = Integer.parseInt(opts.get("rounds", "1"));
    int[] batchSizes = Arrays.stream(opts.get("batch-sizes", "1,8,32,64").split(","))
        .mapToInt(Integer::parseInt).toArray();

    List<String> texts = BenchBatches.readCorpus(corpus, docs);
    EncoderConfig config = EncoderConfig.bundled();
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
          BenchBatches.runBare(bare, config, BenchBatches.prepare(formatted, new int[] {0, 1, 2, 3}, probe.padId()));
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
                List<long[][]> prepared = BenchBatches.prepare(slice, plan, probe.padId());
                padded += prepared.get(0)[0].length;
                List<String> batchTexts = new ArrayList<>();
                for (int i : plan) {
                  batchTexts.add(texts.get(start + i));
                }
                for (int k = 0; k < 2; k++, turn++) {
                  long t = System.nanoTime();
                  if (turn % 2 == 0) {
                    BenchBatches.runBare(bare, config, prepared);
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
}
