package io.tartan.query.text;

/** The start of a document's stored text, on one line, for people reading results. */
public final class Snippet {
    /** Characters a snippet keeps by default. */
    public static final int DEFAULT_CHARS = 160;

    private Snippet() {
    }

    /** Whitespace collapsed to single spaces, cut at a word boundary near {@code maxChars}, "…" when cut. */
    public static String of(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        String flat = text.strip().replaceAll("\\s+", " ");
        if (flat.length() <= maxChars) {
            return flat;
        }
        int cut = flat.lastIndexOf(' ', maxChars);
        return flat.substring(0, cut > maxChars / 2 ? cut : maxChars) + "…";
    }
}
