package io.tartan.encoders;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenEncoder} running an ONNX graph with ONNX Runtime and a HF tokenizer through DJL. Thread-safe.
 */
final class OnnxTokenEncoder implements TokenEncoder {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxTokenEncoder.class);

  private final EncoderConfig config;
  private final EncoderOptions options;
  private final boolean closeable;
  private final HfTokenizer tokenizer;
  private final ColbertFormatter formatter;
  private final PunctuationSkiplist skiplist;
  private final OutputHead head;
  private final OrtSession session;
  private final DeviceAssignment device;
  private final String checksum;
  private final long padId;

  /**
   * Loads and checks everything the config names. Errors name the file at fault.
   *
   * @param closeable false for shared encoders, whose {@link #close()} must not free the session under others
   */
  OnnxTokenEncoder(EncoderConfig config, EncoderOptions options, boolean closeable) {
    this.config = config;
    this.options = options;
    this.closeable = closeable;

    ModelResource tokenizerFile = ModelResource.of(config.tokenizer(), "tokenizer");
    byte[] tokenizerBytes = tokenizerFile.readBytes();
    TokenVocabulary vocabulary = TokenVocabulary.parse(tokenizerBytes, tokenizerFile.location());

    ProjectionMatrix projection = null;
    byte[] projectionSha = null;
    if (config.projection() != null) {
      ModelResource projectionFile = ModelResource.of(config.projection(), "projection");
      byte[] bytes = projectionFile.readBytes();
      projection = ProjectionMatrix.load(bytes, projectionFile.location(), config.hiddenSize(),
          config.projectionTransposed());
      projectionSha = ModelResource.sha256(bytes);
    }
    this.head = new OutputHead(config.hiddenSize(), projection, config.dim(), config.matryoshkaDims(), config.id());

    ModelResource onnxFile = ModelResource.of(config.onnx(), "ONNX model");
    byte[] onnxBytes = onnxFile.path().isPresent() ? null : onnxFile.readBytes();
    byte[] onnxSha = onnxBytes == null ? onnxFile.sha256() : ModelResource.sha256(onnxBytes);
    this.checksum = EncoderChecksum.of(config, onnxSha, ModelResource.sha256(tokenizerBytes), projectionSha,
        head.dim());

    HfTokenizer tok = HfTokenizer.load(tokenizerBytes, tokenizerFile.location());
    OrtSessionFactory.Opened opened = null;
    try {
      this.formatter = new ColbertFormatter(tok, vocabulary, config);
      this.skiplist = config.docSkipPunctuation() ? PunctuationSkiplist.of(tok) : PunctuationSkiplist.none();
      this.padId = vocabulary.id(config.padToken()).orElseThrow(() -> new EncoderException("pad_token '"
          + config.padToken() + "' is not in the vocabulary of tokenizer file " + tokenizerFile.location()));
      opened = OrtSessionFactory.open(onnxFile, onnxBytes, options);
      checkGraph(opened.session(), onnxFile.location());
    } catch (RuntimeException e) {
      tok.close();
      if (opened != null) {
        closeQuietly(opened.session());
      }
      throw e;
    }
    this.tokenizer = tok;
    this.session = opened.session();
    this.device = opened.device();
    LOG.info("Encoder {} ({}), dim {}, {} on {} with {} intra-op threads", config.id(), config.name(), head.dim(),
        checksum.substring(0, Math.min(19, checksum.length())), device, options.intraOpThreads());
  }

  @Override
  public List<TokenEmbeddings> encodeQueries(List<String> queries) {
    return encode(queries, true);
  }

  @Override
  public List<TokenEmbeddings> encodeDocuments(List<String> documents) {
    return encode(documents, false);
  }

  /**
   * Window by window (tokenize, sort by length, run the batches) so that a caller passing a whole Spark partition
   * never holds more than one window of token ids.
   */
  private List<TokenEmbeddings> encode(List<String> texts, boolean queries) {
    TokenEmbeddings[] out = new TokenEmbeddings[texts.size()];
    int window = options.bucketWindow();
    for (int start = 0; start < texts.size(); start += window) {
      List<String> slice = texts.subList(start, Math.min(texts.size(), start + window));
      FormattedText[] formatted = queries ? formatter.queries(slice) : formatter.documents(slice);
      TokenEmbeddings[] results = new TokenEmbeddings[formatted.length];
      int[] lengths = new int[formatted.length];
      for (int i = 0; i < formatted.length; i++) {
        lengths[i] = formatted[i].length();
        if (formatted[i].isEmpty()) {
          results[i] = TokenEmbeddings.empty(head.dim());
        }
      }
      for (int[] batch : LengthBucketing.plan(lengths, options.batchSize(), window)) {
        runBatch(formatted, batch, !queries && skiplist.size() > 0, results);
      }
      System.arraycopy(results, 0, out, start, results.length);
    }
    return Arrays.asList(out);
  }

  /** One ONNX run over the texts at {@code batch}, padded to the batch's longest; results go to {@code out}. */
  private void runBatch(FormattedText[] texts, int[] batch, boolean skipPunctuation, TokenEmbeddings[] out) {
    int seq = 0;
    for (int i : batch) {
      seq = Math.max(seq, texts[i].length());
    }
    int rows = batch.length;
    long[] ids = new long[rows * seq];
    long[] mask = new long[rows * seq];
    Arrays.fill(ids, padId);
    for (int r = 0; r < rows; r++) {
      FormattedText text = texts[batch[r]];
      System.arraycopy(text.ids(), 0, ids, r * seq, text.length());
      Arrays.fill(mask, r * seq, r * seq + text.attended(), 1L);
    }
    float[] states = run(ids, mask, rows, seq);
    int hidden = head.hiddenSize();
    int dim = head.dim();
    for (int r = 0; r < rows; r++) {
      FormattedText text = texts[batch[r]];
      int kept = 0;
      for (int p = 0; p < text.length(); p++) {
        if (!(skipPunctuation && skiplist.skips(text.ids()[p]))) {
          kept++;
        }
      }
      float[] vectors = new float[kept * dim];
      String[] tokens = new String[kept];
      int[] tokenIds = new int[kept];
      int k = 0;
      for (int p = 0; p < text.length(); p++) {
        long id = text.ids()[p];
        if (skipPunctuation && skiplist.skips(id)) {
          continue;
        }
        head.apply(states, (r * seq + p) * hidden, vectors, k * dim);
        tokens[k] = text.tokens()[p];
        tokenIds[k] = (int) id;
        k++;
      }
      out[batch[r]] = new TokenEmbeddings(vectors, kept, dim, tokens, tokenIds);
    }
  }

  private float[] run(long[] ids, long[] mask, int rows, int seq) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] shape = {rows, seq};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(config.inputs().inputIds(), OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put(config.inputs().attentionMask(), OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (config.inputs().tokenTypeIds() != null) {
        inputs.put(config.inputs().tokenTypeIds(),
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
      }
      try (OrtSession.Result result = session.run(inputs, Set.of(config.output()))) {
        Optional<OnnxValue> value = result.get(config.output());
        if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
          throw new EncoderException("ONNX model of " + config.id() + " returned no tensor '" + config.output() + "'");
        }
        long[] outShape = tensor.getInfo().getShape();
        if (outShape.length != 3 || outShape[0] != rows || outShape[1] != seq || outShape[2] != head.hiddenSize()) {
          throw new EncoderException("ONNX output '" + config.output() + "' of " + config.id() + " has shape "
              + Arrays.toString(outShape) + ", expected [" + rows + ", " + seq + ", " + head.hiddenSize()
              + "] (check hidden_size and output in the model config)");
        }
        // getFloatBuffer() already copies out of native memory; take its array rather than copying again
        FloatBuffer buffer = tensor.getFloatBuffer();
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
            && buffer.array().length == buffer.remaining()) {
          return buffer.array();
        }
        float[] states = new float[buffer.remaining()];
        buffer.get(states);
        return states;
      }
    } catch (OrtException e) {
      throw new EncoderException("ONNX Runtime failed running " + config.id() + " on a [" + rows + ", " + seq
          + "] batch: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Fails early, naming the file, when the config's input/output names or sizes do not match the graph. */
  private void checkGraph(OrtSession s, String onnxLocation) {
    try {
      Set<String> inputNames = s.getInputNames();
      List<String> wanted = new ArrayList<>(List.of(config.inputs().inputIds(), config.inputs().attentionMask()));
      if (config.inputs().tokenTypeIds() != null) {
        wanted.add(config.inputs().tokenTypeIds());
      }
      if (!inputNames.containsAll(wanted) || inputNames.size() != wanted.size()) {
        throw new EncoderException("ONNX model file " + onnxLocation + " has inputs " + inputNames
            + " but the model config feeds " + wanted + " (fix 'inputs')");
      }
      Map<String, NodeInfo> outputs = s.getOutputInfo();
      NodeInfo out = outputs.get(config.output());
      if (out == null) {
        throw new EncoderException("ONNX model file " + onnxLocation + " has outputs " + outputs.keySet()
            + ", not '" + config.output() + "' (fix 'output')");
      }
      if (out.getInfo() instanceof TensorInfo info) {
        long[] shape = info.getShape();
        if (shape.length != 3 || (shape[2] > 0 && shape[2] != config.hiddenSize())) {
          throw new EncoderException("ONNX model file " + onnxLocation + ": output '" + config.output()
              + "' has shape " + Arrays.toString(shape) + "; expected [batch, seq, " + config.hiddenSize()
              + "] (fix 'hidden_size')");
        }
      }
    } catch (OrtException e) {
      throw new EncoderException("cannot inspect ONNX model file " + onnxLocation + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String encoderId() {
    return config.id();
  }

  @Override
  public String checksum() {
    return checksum;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public int dim() {
    return head.dim();
  }

  @Override
  public int queryMaxlen() {
    return config.queryMaxlen();
  }

  @Override
  public int docMaxlen() {
    return config.docMaxlen();
  }

  @Override
  public EncoderConfig config() {
    return config;
  }

  @Override
  public DeviceAssignment device() {
    return device;
  }

  /** The session itself, for the benchmark's bare-run baseline. */
  OrtSession session() {
    return session;
  }

  ColbertFormatter formatter() {
    return formatter;
  }

  long padId() {
    return padId;
  }

  @Override
  public void close() {
    if (closeable) {
      release();
    }
  }

  /** Frees native resources regardless of sharing; for the shared cache's own shutdown. */
  void release() {
    closeQuietly(session);
    tokenizer.close();
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException e) {
      LOG.debug("closing ONNX session", e);
    }
  }

  @Override
  public String toString() {
    return "TokenEncoder[" + config.id() + ", dim " + head.dim() + ", " + device + "]";
  }
}
