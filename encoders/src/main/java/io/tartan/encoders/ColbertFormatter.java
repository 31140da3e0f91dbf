package io.tartan.encoders;

import ai.djl.huggingface.tokenizers.Encoding;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Lays texts out as ColBERT v0.2.22 does. Query: {@code [CLS] [Q] tokens… [SEP]} padded with [MASK] to exactly
 * query_maxlen. Document: {@code [CLS] [D] tokens… [SEP]}, truncated so that the whole sequence, specials and
 * marker included, fits doc_maxlen.
 *
 * <p>ColBERT gets there by tokenizing {@code ". " + text} and overwriting the "." with the marker; this class
 * tokenizes the text without specials and wraps it in the tokenizer's own special tokens (learned once from a probe
 * text), which gives the same ids for BERT and works for tokenizers whose specials are not CLS/SEP (XLM-R's
 * {@code <s>}/{@code </s>}).
 */
final class ColbertFormatter {
  private final HfTokenizer tokenizer;
  private final long[] prefixIds;
  private final String[] prefixTokens;
  private final long[] suffixIds;
  private final String[] suffixTokens;
  private final long queryMarkerId;
  private final long docMarkerId;
  private final long maskId;
  private final EncoderConfig config;
  private final LongTextClipper docClipper;
  private final LongTextClipper queryClipper;
  /** Tokens of doc_prefix alone: a document with no more than these has no text tokens of its own. */
  private final int docPrefixLength;

  ColbertFormatter(HfTokenizer tokenizer, TokenVocabulary vocabulary, EncoderConfig config) {
    this.tokenizer = tokenizer;
    this.config = config;
    this.queryMarkerId = idOf(vocabulary, config.queryMarker(), "query_marker");
    this.docMarkerId = idOf(vocabulary, config.docMarker(), "doc_marker");
    this.maskId = idOf(vocabulary, config.maskToken(), "mask_token");

    // Where the tokenizer puts its specials: around the content of a probe text.
    Encoding bare = tokenizer.encodeWithoutSpecials(new String[] {"probe"})[0];
    Encoding wrapped = tokenizer.encodeWithSpecials("probe");
    int at = indexOf(wrapped.getIds(), bare.getIds());
    if (at < 0) {
      throw new EncoderException("tokenizer file " + tokenizer.location()
          + ": cannot tell where its special tokens go (content not found inside its post-processed output)");
    }
    int end = at + bare.getIds().length;
    this.prefixIds = Arrays.copyOfRange(wrapped.getIds(), 0, at);
    this.prefixTokens = Arrays.copyOfRange(wrapped.getTokens(), 0, at);
    this.suffixIds = Arrays.copyOfRange(wrapped.getIds(), end, wrapped.getIds().length);
    this.suffixTokens = Arrays.copyOfRange(wrapped.getTokens(), end, wrapped.getTokens().length);
    requireRoom("query_maxlen", config.queryMaxlen());
    requireRoom("doc_maxlen", config.docMaxlen());
    this.docClipper = new LongTextClipper(config.docMaxlen());
    this.queryClipper = new LongTextClipper(config.queryMaxlen());
    this.docPrefixLength = config.docPrefix().isEmpty() ? 0
        : tokenizer.encodeWithoutSpecials(new String[] {config.docPrefix()})[0].getIds().length;
  }

  /** Tokens every formatted text spends on specials and the marker. */
  int overhead() {
    return prefixIds.length + 1 + suffixIds.length;
  }

  /** Queries: exactly query_maxlen long when padding with [MASK], else as long as their tokens. */
  FormattedText[] queries(List<String> texts) {
    Encoding[] content = tokenize(texts, queryClipper, config.queryPrefix());
    FormattedText[] out = new FormattedText[content.length];
    for (int i = 0; i < content.length; i++) {
      out[i] = query(content[i]);
    }
    return out;
  }

  /**
   * Documents: at most doc_maxlen long; a text without tokens of its own (empty, blank, null, or only characters the
   * tokenizer drops, such as a no-break space) is {@link FormattedText#EMPTY}, even with a doc_prefix.
   */
  FormattedText[] documents(List<String> texts) {
    Encoding[] content = tokenize(texts, docClipper, config.docPrefix());
    FormattedText[] out = new FormattedText[content.length];
    for (int i = 0; i < content.length; i++) {
      out[i] = content[i].getIds().length <= docPrefixLength
          ? FormattedText.EMPTY
          : wrap(content[i], docMarkerId, config.docMarker(), config.docMaxlen(), 0);
    }
    return out;
  }

  private FormattedText query(Encoding content) {
    if (!config.queryPadWithMask()) {
      return wrap(content, queryMarkerId, config.queryMarker(), config.queryMaxlen(), 0);
    }
    FormattedText text = wrap(content, queryMarkerId, config.queryMarker(), config.queryMaxlen(),
        config.queryMaxlen());
    if (config.queryAttendToMask()) {
      return new FormattedText(text.ids(), text.tokens(), text.length());
    }
    return text;
  }

  /**
   * prefix + marker + content (truncated) + suffix, then [MASK] up to {@code padTo}. The result attends to all but
   * the [MASK] padding.
   */
  private FormattedText wrap(Encoding content, long markerId, String marker, int maxlen, int padTo) {
    int kept = Math.min(content.getIds().length, maxlen - overhead());
    int used = overhead() + kept;
    int length = Math.max(used, padTo);
    long[] ids = new long[length];
    String[] tokens = new String[length];
    int p = 0;
    for (int i = 0; i < prefixIds.length; i++, p++) {
      ids[p] = prefixIds[i];
      tokens[p] = prefixTokens[i];
    }
    ids[p] = markerId;
    tokens[p++] = marker;
    System.arraycopy(content.getIds(), 0, ids, p, kept);
    System.arraycopy(content.getTokens(), 0, tokens, p, kept);
    p += kept;
    for (int i = 0; i < suffixIds.length; i++, p++) {
      ids[p] = suffixIds[i];
      tokens[p] = suffixTokens[i];
    }
    for (; p < length; p++) {
      ids[p] = maskId;
      tokens[p] = config.maskToken();
    }
    return new FormattedText(ids, tokens, used);
  }

  /** The texts' tokens without specials; a non-blank text gets {@code prefix} first (a blank one stays empty). */
  private Encoding[] tokenize(List<String> texts, LongTextClipper clipper, String prefix) {
    String[] originals = new String[texts.size()];
    String[] clipped = new String[originals.length];
    for (int i = 0; i < originals.length; i++) {
      String text = Objects.toString(texts.get(i), "");
      originals[i] = text.isBlank() ? text : prefix + text;
      clipped[i] = clipper.clip(originals[i]);
    }
    Encoding[] encodings = tokenizer.encodeWithoutSpecials(clipped);
    for (int i = 0; i < encodings.length; i++) {
      if (clipper.tooShort(originals[i], clipped[i], encodings[i].getIds().length)) {
        encodings[i] = tokenizer.encodeWithoutSpecials(new String[] {originals[i]})[0];
      }
    }
    return encodings;
  }

  private void requireRoom(String key, int maxlen) {
    if (maxlen < overhead() + 1) {
      throw new EncoderException(key + " " + maxlen + " leaves no room for text: tokenizer file "
          + tokenizer.location() + " adds " + overhead() + " special and marker tokens");
    }
  }

  private long idOf(TokenVocabulary vocabulary, String token, String key) {
    return vocabulary.id(token).orElseThrow(() -> new EncoderException(key + " '" + token
        + "' is not in the vocabulary of tokenizer file " + tokenizer.location() + "; set " + key
        + " in the model config"));
  }

  private static int indexOf(long[] haystack, long[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
