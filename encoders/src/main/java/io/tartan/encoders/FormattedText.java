package io.tartan.encoders;

/**
 * One query or document laid out the ColBERT way, ready for the ONNX graph: every position is output (documents
 * lose punctuation later); positions from {@code attended} on get attention_mask = 0 (un-attended [MASK] padding).
 *
 * @param ids token ids
 * @param tokens token strings, for debugging
 * @param attended number of leading positions with attention_mask = 1
 */
record FormattedText(long[] ids, String[] tokens, int attended) {
  /** A text with no content tokens: encoded as zero vectors. */
  static final FormattedText EMPTY = new FormattedText(new long[0], new String[0], 0);

  int length() {
    return ids.length;
  }

  boolean isEmpty() {
    return ids.length == 0;
  }
}
