package io.tartan.encoders;

/**
 * The text a document is encoded from: its title and body joined by one space (either alone when the other is
 * blank), as BEIR corpora are encoded. Everything that encodes a corpus document (the index job, {@code tartan eval
 * --exact-float}) goes through here, so the same document always becomes the same vectors.
 */
public final class DocumentText {
  private DocumentText() {
  }

  /** {@code title + " " + text}; null fields count as blank; blank when both are. */
  public static String join(String title, String text) {
    String t = text == null ? "" : text;
    String ti = title == null ? "" : title;
    return ti.isBlank() ? t : t.isBlank() ? ti : ti + " " + t;
  }
}
