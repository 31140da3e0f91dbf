package io.tartan.encoders;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

/**
 * A Hugging Face tokenizer (DJL's binding of the Rust {@code tokenizers} crate) read from any tokenizer.json, with
 * the file's own truncation and padding switched off: ColBERT formatting decides lengths. Thread-safe: the Rust
 * tokenizer is immutable once built.
 */
final class HfTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final String location;

  private HfTokenizer(HuggingFaceTokenizer tokenizer, String location) {
    this.tokenizer = tokenizer;
    this.location = location;
  }

  /** Builds the tokenizer from tokenizer.json bytes; the error names {@code location}. */
  static HfTokenizer load(byte[] tokenizerJson, String location) {
    DjlNativeSetup.ensure();
    Map<String, String> options = Map.of(
        "truncation", "false",
        "padding", "false",
        "addSpecialTokens", "false");
    try {
      return new HfTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), options),
          location);
    } catch (IOException | RuntimeException e) {
      throw new EncoderException("cannot load tokenizer file " + location + ": " + e.getMessage(), e);
    }
  }

  /** Tokenizes each text without special tokens; the results line up with {@code texts}. */
  Encoding[] encodeWithoutSpecials(String[] texts) {
    return tokenizer.batchEncode(texts, false, false);
  }

  /** Tokenizes one text with the tokenizer's own post-processing (CLS/SEP or its equivalents). */
  Encoding encodeWithSpecials(String text) {
    return tokenizer.encode(text, true, false);
  }

  String location() {
    return location;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
