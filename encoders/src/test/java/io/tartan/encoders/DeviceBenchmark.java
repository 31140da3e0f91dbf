package io.tartan.encoders;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Document encoding on the CPU and on a CUDA device with the same batches: tokens/s through {@link TokenEncoder} and
 * through bare {@code OrtSession.run} at each batch size, and how far the CUDA vectors are from the CPU ones
 * ({@link VectorAgreement}). It measures and reports; scripts/gpu-check.sh judges the figures. Not a test: run with
 * <pre>
 * java -cp encoders/target/test-classes:encoders/target/classes:$(cat encoders/target/classpath.txt) \
 *     io.tartan.encoders.DeviceBenchmark --corpus samples/scifact-mini/corpus.jsonl --batch-sizes 8,32,128 \
 *     --device cuda:0 --cpu-threads 2 --json target/device-bench.json
 * </pre>
 * Build with {@code -Pgpu} for the CUDA provider; without it (or without a usable GPU) the "CUDA" run falls back to
 * the CPU and the JSON says so ({@code actual}, {@code fallback_reason}): its figures are then CPU figures.
 * The CPU runs once per batch size (it is slow); the CUDA run is warmed up on the whole corpus, then repeated until
 * {@code --min-seconds} have been timed, so that kernel selection and arena growth are not measured.
 * Tokens counted are the non-padding input tokens, as in {@link EncoderBenchmark}.
 */
public final class DeviceBenchmark {
  private static final int WINDOW = EncoderOptions.DEFAULT_BUCKET_WINDOW;
  private static final int MAX_ROUNDS = 50;
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeviceBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchArgs opts = new BenchArgs(args);
    Path corpus = Path.of(opts.get("corpus", "samples/scifact-mini/corpus.jsonl"));
    int docs = Integer.parseInt(opts.get("docs", String.valueOf(Integer.MAX_VALUE)));
    int cpuThreads = Integer.parseInt(opts.get("cpu-threads", "2"));
    int gpuThreads = Integer.parseInt(opts.get("gpu-threads",
        String.valueOf(Runtime.getRuntime().availableProcessors())));
    double minSeconds = Double.parseDouble(opts.get("min-seconds", "2"));
    ExecutionDevice gpu = ExecutionDevice.parse(opts.get("device", "cuda:0"));
    int[] batchSizes = Arrays.stream(opts.get("batch-sizes", "8,32,128").split(","))
        .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    Path jsonOut = Path.of(opts.required("json"));

    List<String> texts = BenchBatches.readCorpus(corpus, docs);
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no documents in " + corpus);
    }
    EncoderConfig config = EncoderConfig.bundled();
    ObjectNode root = JSON.createObjectNode();
    root.put("corpus", corpus.toString());
    root.put("documents", texts.size());
    ObjectNode model = root.putObject("model");
    model.put("id", config.id());
    model.put("name", config.name());
    model.put("dtype", "fp32");
    ObjectNode fp16 = root.putObject("fp16");
    fp16.put("measured", false);
    fp16.put("reason", "the model config has no dtype/fp16 setting (EncoderConfig has none) and the bundled "
        + config.id() + " ONNX graph is fp32; fp16 needs an fp16 export of the graph");
    ObjectNode ort = root.putObject("onnxruntime");
    ort.put("version", OrtEnvironment.getEnvironment().getVersion());
    ArrayNode providers = ort.putArray("providers");
    OrtEnvironment.getAvailableProviders().stream().map(OrtProvider::name).sorted().forEach(providers::add);
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("cpu_threads", cpuThreads);
    root.put("gpu_threads", gpuThreads);
    root.put("device_requested", gpu.toString());
    root.put("min_seconds", minSeconds);

    FormattedText[] formatted;
    long padId;
    try (OnnxTokenEncoder probe = new OnnxTokenEncoder(config, EncoderOptions.defaults().withIntraOpThreads(1), true)) {
      formatted = probe.formatter().documents(texts);
      padId = probe.padId();
    }
    long inputTokens = Arrays.stream(formatted).mapToLong(FormattedText::length).sum();
    root.put("input_tokens", inputTokens);
    System.out.printf(Locale.ROOT, "# %d docs (%d input tokens) from %s; CPU %d intra-op threads, %s %d%n",
        texts.size(), inputTokens, corpus, cpuThreads, gpu, gpuThreads);
    System.out.println("| batch | CPU tokens/s | CPU bare | " + gpu + " tokens/s | " + gpu
        + " bare | speed-up | max abs diff | min cosine |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");

    ArrayNode runs = root.putArray("runs");
    for (int batch : batchSizes) {
      int window = Math.max(WINDOW, batch);
      List<long[][]> batches = BenchBatches.plan(formatted, batch, window, padId);
      long padded = batches.stream().mapToLong(b -> b[0].length).sum();
      EncoderOptions cpuOptions = EncoderOptions.defaults().withIntraOpThreads(cpuThreads).withBatchSize(batch)
          .withBucketWindow(window);
      Leg cpu = Leg.run(config, cpuOptions, texts, batches, inputTokens, 0);
      Leg cuda = Leg.run(config, cpuOptions.withDevice(gpu).withIntraOpThreads(gpuThreads), texts, batches,
          inputTokens, minSeconds);
      VectorAgreement agreement = new VectorAgreement();
      agreement.add(cpu.vectors, cuda.vectors);

      ObjectNode run = runs.addObject();
      run.put("batch", batch);
      run.put("onnx_runs", batches.size());
      run.put("padding", (padded - inputTokens) / (double) padded);
      run.set("cpu", cpu.toJson());
      run.set("gpu", cuda.toJson());
      ObjectNode a = run.putObject("agreement");
      a.put("vectors", agreement.vectors());
      a.put("documents_with_other_row_counts", agreement.rowMismatches());
      a.put("max_abs_diff", agreement.maxAbsDiff());
      a.put("min_cosine", agreement.minCosine());
      a.put("mean_cosine", agreement.meanCosine());
      System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f | %.1f× | %.2e | %.7f |%n", batch,
          cpu.tokensPerSecond, cpu.bareTokensPerSecond, cuda.tokensPerSecond, cuda.bareTokensPerSecond,
          cuda.tokensPerSecond / cpu.tokensPerSecond, agreement.maxAbsDiff(), agreement.minCosine());
      Files.writeString(jsonOut, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }
    if (!cudaOpened(runs)) {
      System.out.println("# " + gpu + " was not used: " + runs.get(0).path("gpu").path("fallback_reason").asText());
    }
  }

  private static boolean cudaOpened(ArrayNode runs) {
    return runs.size() > 0 && !"cpu".equals(runs.get(0).path("gpu").path("actual").asText());
  }

  /** One encoder on one device over the whole corpus: its rates, where it ran, and the vectors of its first pass. */
  private static final class Leg {
    DeviceAssignment device;
    int intraOpThreads;
    double openSeconds;
    int rounds;
    double tokensPerSecond;
    double bareTokensPerSecond;
    List<TokenEmbeddings> vectors;

    static Leg run(EncoderConfig config, EncoderOptions options, List<String> texts, List<long[][]> batches,
        long inputTokens, double minSeconds) throws Exception {
      Leg leg = new Leg();
      leg.intraOpThreads = options.intraOpThreads();
      long t0 = System.nanoTime();
      try (OnnxTokenEncoder encoder = new OnnxTokenEncoder(config, options, true)) {
        leg.openSeconds = (System.nanoTime() - t0) / 1e9;
        leg.device = encoder.device();
        // a CUDA session picks kernels and grows its arena on the first run of each shape: warm up on every
        // batch; the CPU needs only its thread pool started
        if (leg.device.actual().isCpu()) {
          encoder.encodeDocuments(texts.subList(0, Math.min(8, texts.size())));
          BenchBatches.runBare(encoder.session(), config, batches.subList(0, 1));
        } else {
          encoder.encodeDocuments(texts);
          BenchBatches.runBare(encoder.session(), config, batches);
        }
        long encNanos = 0;
        long bareNanos = 0;
        do {
          // who goes first swaps each round, so other load on the machine hits both paths alike
          for (int k = 0; k < 2; k++) {
            long t = System.nanoTime();
            if ((k + leg.rounds) % 2 == 0) {
              BenchBatches.runBare(encoder.session(), config, batches);
              bareNanos += System.nanoTime() - t;
            } else {
              List<TokenEmbeddings> out = encoder.encodeDocuments(texts);
              encNanos += System.nanoTime() - t;
              if (leg.vectors == null) {
                leg.vectors = out;
              }
            }
          }
          leg.rounds++;
        } while (leg.rounds < MAX_ROUNDS && Math.min(encNanos, bareNanos) / 1e9 < minSeconds);
        leg.tokensPerSecond = leg.rounds * inputTokens / (encNanos / 1e9);
        leg.bareTokensPerSecond = leg.rounds * inputTokens / (bareNanos / 1e9);
      }
      return leg;
    }

    ObjectNode toJson() {
      ObjectNode o = JSON.createObjectNode();
      o.put("requested", device.requested().toString());
      o.put("actual", device.actual().toString());
      if (device.fallbackReason() != null) {
        o.put("fallback_reason", device.fallbackReason());
      }
      o.put("intra_op_threads", intraOpThreads);
      o.put("session_open_seconds", openSeconds);
      o.put("rounds", rounds);
      o.put("tokens_per_s", tokensPerSecond);
      o.put("bare_tokens_per_s", bareTokensPerSecond);
      return o;
    }
  }
}
