package io.tartan.encoders;

import ai.djl.huggingface.tokenizers.Encoding;
import java.util.BitSet;

/**
 * ColBERT's document skiplist: the token ids of Python's {@code string.punctuation} characters, each taken as the
 * first id the tokenizer gives the character alone (ColBERT v0.2.22 does exactly this). Vectors of these tokens are
 * dropped from document outputs after encoding; queries keep them.
 */
final class PunctuationSkiplist {
  /** Python's string.punctuation. */
  static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private final BitSet ids;

  private PunctuationSkiplist(BitSet ids) {
    this.ids = ids;
  }

  static PunctuationSkiplist of(HfTokenizer tokenizer) {
    String[] symbols = new String[PUNCTUATION.length()];
    for (int i = 0; i < symbols.length; i++) {
      symbols[i] = String.valueOf(PUNCTUATION.charAt(i));
    }
    BitSet ids = new BitSet();
    for (Encoding encoding : tokenizer.encodeWithoutSpecials(symbols)) {
      long[] symbolIds = encoding.getIds();
      if (symbolIds.length > 0) {
        ids.set(Math.toIntExact(symbolIds[0]));
      }
    }
    return new PunctuationSkiplist(ids);
  }

  static PunctuationSkiplist none() {
    return new PunctuationSkiplist(new BitSet());
  }

  boolean skips(long id) {
    return id >= 0 && id <= Integer.MAX_VALUE && ids.get((int) id);
  }

  int size() {
    return ids.cardinality();
  }
}
