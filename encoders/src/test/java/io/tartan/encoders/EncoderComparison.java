package io.tartan.encoders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Document encoding throughput of several model configs on the same texts, measured together so that load from
 * other processes hits them alike: the corpus is cut into windows and every window is encoded by each model in
 * turn (who goes first rotates). Not a test: run with
 * <pre>
 * mvn -q -pl encoders test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.tartan.encoders.EncoderComparison \
 *     -Dexec.args="--corpus ../shared/data/cranfield/corpus.jsonl --docs 400 --models bundled,e5.json,bge.json"
 * </pre>
 * {@code bundled} is the bundled config; other entries are model config locations. Tokens counted are the
 * non-padding input tokens of each model's own formatting (prefixes included), as in {@link EncoderBenchmark}.
 */
public final class EncoderComparison {
  private EncoderComparison() {}

  public static void main(String[] args) throws Exception {
    BenchArgs opts = new BenchArgs(args);
    Path corpus = Path.of(opts.get("corpus", "../shared/data/cranfield/corpus.jsonl"));
    int docs = Integer.parseInt(opts.get("docs", "400"));
    int window = Integer.parseInt(opts.get("window", "32"));
    int rounds = Integer.parseInt(opts.get("rounds", "2"));
    EncoderOptions options = EncoderOptions.defaults()
        .withIntraOpThreads(Integer.parseInt(opts.get("threads", "2")))
        .withBatchSize(Integer.parseInt(opts.get("batch", "8")));
    List<String> texts = BenchBatches.readCorpus(corpus, docs);
    List<EncoderConfig> configs = new ArrayList<>();
    for (String m : opts.required("models").split(",")) {
      configs.add(m.equals("bundled") ? EncoderConfig.bundled() : EncoderConfig.load(m));
    }
    List<OnnxTokenEncoder> encoders = new ArrayList<>();
    long[] inputTokens = new long[configs.size()];
    long[] nanos = new long[configs.size()];
    try {
      for (int m = 0; m < configs.size(); m++) {
        OnnxTokenEncoder e = new OnnxTokenEncoder(configs.get(m), options, true);
        encoders.add(e);
        inputTokens[m] = Arrays.stream(e.formatter().documents(texts)).mapToLong(FormattedText::length).sum();
        e.encodeDocuments(texts.subList(0, Math.min(16, texts.size()))); // warm-up
      }
      System.out.printf(Locale.ROOT, "# %d docs from %s, %d rounds, windows of %d, batch %d, %d intra-op threads, "
              + "%d cores%n", texts.size(), corpus, rounds, window, options.batchSize(), options.intraOpThreads(),
          Runtime.getRuntime().availableProcessors());
      int turn = 0;
      for (int r = 0; r < rounds; r++) {
        for (int start = 0; start < texts.size(); start += window, turn++) {
          List<String> slice = texts.subList(start, Math.min(texts.size(), start + window));
          for (int i = 0; i < encoders.size(); i++) {
            int m = (turn + i) % encoders.size();
            long t = System.nanoTime();
            encoders.get(m).encodeDocuments(slice);
            nanos[m] += System.nanoTime() - t;
          }
        }
      }
      System.out.println("| model | input tokens | tokens/s | relative to the first |");
      System.out.println("|---|---:|---:|---:|");
      double first = 0;
      for (int m = 0; m < configs.size(); m++) {
        double rate = rounds * inputTokens[m] / (nanos[m] / 1e9);
        first = m == 0 ? rate : first;
        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f |%n", configs.get(m).id(), inputTokens[m], rate,
            rate / first);
      }
    } finally {
      for (OnnxTokenEncoder e : encoders) {
        e.close();
      }
    }
  }
}
