package io.tartan.encoders;

/**
 * Names of the ONNX graph inputs the encoder feeds (all int64 [batch, seq]).
 *
 * @param inputIds name of the token id input
 * @param attentionMask name of the attention mask input
 * @param tokenTypeIds name of the segment id input, or {@code null} when the graph has none (XLM-R exports)
 */
public record InputNames(String inputIds, String attentionMask, String tokenTypeIds) {
  /** The names a Hugging Face BERT export uses. */
  public static final InputNames BERT = new InputNames("input_ids", "attention_mask", "token_type_ids");

  public InputNames {
    if (inputIds == null || inputIds.isBlank() || attentionMask == null || attentionMask.isBlank()) {
      throw new IllegalArgumentException("inputs.input_ids and inputs.attention_mask must be named");
    }
    if (tokenTypeIds != null && tokenTypeIds.isBlank()) {
      tokenTypeIds = null;
    }
  }
}
