package io.tartan.encoders.cli;

import io.tartan.encoders.EncoderConfig;
import io.tartan.encoders.EncoderException;
import io.tartan.encoders.EncoderOptions;
import io.tartan.encoders.ExecutionDevice;
import io.tartan.encoders.TokenEmbeddings;
import io.tartan.encoders.TokenEncoder;
import io.tartan.encoders.TokenEncoders;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tartan encode --text "…" [--query]}: shows how a text is tokenized and formatted and the shape of its
 * token matrix, for debugging a model config. Exit codes: 0 success, 2 bad input (options, config, model files),
 * 1 anything else.
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Encode one text as a ColBERT query or document and print the kept tokens and matrix shape.")
public final class EncodeCommand implements Callable<Integer> {
  /** Exit code for bad input, matching picocli's usage errors. */
  public static final int BAD_INPUT = 2;

  @Option(names = "--text", required = true, description = "Text to encode.")
  String text;

  @Option(names = "--query", description = "Encode as a query (default: as a document).")
  boolean query;

  @Option(names = "--model-config", paramLabel = "FILE",
      description = "Model config JSON (default: the bundled all-MiniLM-L6-v2). A path or classpath:name.")
  String modelConfig;

  @Option(names = "--doc-maxlen", paramLabel = "N", description = "Override doc_maxlen.")
  Integer docMaxlen;

  @Option(names = "--query-maxlen", paramLabel = "N", description = "Override query_maxlen.")
  Integer queryMaxlen;

  @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu",
      description = "cpu, cuda or cuda:N (falls back to the CPU with a warning). Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads (default: cores).")
  Integer threads;

  @Option(names = "--values", paramLabel = "N", defaultValue = "4",
      description = "Print the first N values of each vector (0: none). Default: ${DEFAULT-VALUE}.")
  int values;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command on stdout/stderr and returns its exit code. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command on the given writers and returns its exit code (for tests and embedding). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new EncodeCommand()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean badInput = e instanceof EncoderException || e instanceof IllegalArgumentException;
      commandLine.getErr().println("tartan encode: " + e.getMessage());
      return badInput ? BAD_INPUT : 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    EncoderConfig config = modelConfig == null ? EncoderConfig.bundled() : EncoderConfig.load(modelConfig);
    if (docMaxlen != null) {
      config = config.withDocMaxlen(docMaxlen);
    }
    if (queryMaxlen != null) {
      config = config.withQueryMaxlen(queryMaxlen);
    }
    EncoderOptions options = EncoderOptions.defaultsFor(ExecutionDevice.parse(device));
    if (threads != null) {
      options = options.withIntraOpThreads(threads);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (TokenEncoder encoder = TokenEncoders.open(config, options)) {
      TokenEmbeddings embeddings = query ? encoder.encodeQuery(text) : encoder.encodeDocument(text);
      out.printf("model: %s%n", encoder.name());
      out.printf("encoder: %s %s%n", encoder.encoderId(), encoder.checksum());
      out.printf("device: %s%n", encoder.device());
      out.printf("as: %s (query_maxlen %d, doc_maxlen %d)%n", query ? "query" : "document",
          encoder.queryMaxlen(), encoder.docMaxlen());
      out.printf("shape: [%d x %d]%n", embeddings.numTokens(), embeddings.dim());
      int[] ids = embeddings.tokenIds();
      for (int i = 0; i < embeddings.numTokens(); i++) {
        out.printf("%4d %-16s %6d%s%n", i, embeddings.tokens().get(i), ids[i], head(embeddings.row(i)));
      }
      out.flush();
    }
    return 0;
  }

  private String head(float[] row) {
    if (values <= 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder("  [");
    for (int j = 0; j < Math.min(values, row.length); j++) {
      sb.append(j == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%+.4f", row[j]));
    }
    return sb.append(row.length > values ? ", …]" : "]").toString();
  }
}
