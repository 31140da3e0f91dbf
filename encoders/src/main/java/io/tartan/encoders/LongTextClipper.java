package io.tartan.encoders;

/**
 * Cuts very long texts before tokenization so that a 100 MB document costs no more than a long one: only the first
 * doc_maxlen tokens are ever used. The cut is made at whitespace, far enough in ({@value #CHARS_PER_TOKEN} chars
 * per token) that the kept text still yields more tokens than needed; every pre-tokenizer ColBERT models use splits
 * at whitespace, so the tokens before the cut are the same as in the full text. When the clipped text turns out
 * to hold too few tokens (pathological input), the caller tokenizes the full text instead ({@link #tooShort}).
 */
final class LongTextClipper {
  /** Generous: English averages ~4.5 chars per WordPiece token. */
  static final int CHARS_PER_TOKEN = 32;
  /** How far past the nominal cut to look for whitespace before giving up on clipping. */
  private static final int WHITESPACE_SEARCH = 4096;

  private final int keepChars;
  private final int maxTokens;

  LongTextClipper(int maxTokens) {
    this.maxTokens = maxTokens;
    this.keepChars = maxTokens * CHARS_PER_TOKEN;
  }

  /** The text itself, or a prefix of it ending at whitespace. */
  String clip(String text) {
    if (text.length() <= keepChars + WHITESPACE_SEARCH) {
      return text;
    }
    int end = Math.min(text.length(), keepChars + WHITESPACE_SEARCH);
    for (int i = keepChars; i < end; i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        return text.substring(0, i);
      }
    }
    return text;
  }

  /** True if a clipped text gave so few tokens that the cut may have removed some of the first maxTokens. */
  boolean tooShort(String original, String clipped, int tokens) {
    return clipped.length() < original.length() && tokens <= maxTokens;
  }
}
