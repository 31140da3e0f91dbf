package io.tartan.encoders;

import java.util.List;

/**
 * Turns text into ColBERT-style token vectors: one L2-normalised float32 row per kept token.
 *
 * <ul>
 *   <li>Queries: {@code [CLS] [Q] tokens… [SEP]} padded with [MASK] to query_maxlen, so every query gives exactly
 *       {@link #queryMaxlen()} rows (unless the model config turns [MASK] padding off).
 *   <li>Documents: {@code [CLS] [D] tokens… [SEP]} truncated to {@link #docMaxlen()} tokens; punctuation vectors
 *       are dropped after encoding; padding is never output. A text without tokens (null, empty, blank) gives zero
 *       rows.
 * </ul>
 *
 * <p>Batch methods return one result per input, in the caller's order, and give the same vectors (to ~1e-6) as
 * encoding each text alone. Implementations are thread-safe: ONNX Runtime's {@code OrtSession.run} and the HF
 * tokenizer may be called from many threads at once, so one encoder can serve every task slot of a Spark executor.
 */
public interface TokenEncoder extends AutoCloseable {
  /** Encodes queries; each result has query_maxlen rows when the model pads queries with [MASK]. */
  List<TokenEmbeddings> encodeQueries(List<String> queries);

  /** Encodes documents; each result has between 0 and doc_maxlen rows. */
  List<TokenEmbeddings> encodeDocuments(List<String> documents);

  /** Encodes one query. */
  default TokenEmbeddings encodeQuery(String query) {
    return encodeQueries(List.of(query == null ? "" : query)).get(0);
  }

  /** Encodes one document. */
  default TokenEmbeddings encodeDocument(String document) {
    return encodeDocuments(List.of(document == null ? "" : document)).get(0);
  }

  /** Short id of the model config (e.g. {@code all-minilm-l6-v2}), for index manifests. */
  String encoderId();

  /**
   * {@code sha256:<hex>} over the ONNX graph, tokenizer, projection and the config fields that affect vectors;
   * equal checksums mean equal vectors.
   */
  String checksum();

  /** Human name of the model. */
  String name();

  /** Width of every output row. */
  int dim();

  /** Rows per query (with [MASK] padding) and the longest query in tokens. */
  int queryMaxlen();

  /** The longest document in tokens, specials and marker included. */
  int docMaxlen();

  /** The config this encoder was built from. */
  EncoderConfig config();

  /** The device asked for and the device used. */
  DeviceAssignment device();

  /** Releases the ONNX session and tokenizer; a no-op for encoders from {@link TokenEncoders#shared}. */
  @Override
  void close();
}
