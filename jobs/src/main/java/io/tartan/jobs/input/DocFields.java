package io.tartan.jobs.input;

import io.tartan.encoders.DocumentText;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the fields of one JSONL line or Parquet row into a {@link SourceDoc}, with the same checks and messages
 * for every input format: an id is required; text documents need non-blank {@code text} (or {@code title});
 * vector documents need at least one row, every row {@code dim} wide and finite.
 */
public final class DocFields {
    private DocFields() {
    }

    /** A text document: indexes {@code title + " " + text} when a title is given. */
    public static SourceDoc text(long ordinal, String source, long line, Object id, Object title, Object text,
            Object metadata) {
        String docId = idOf(id);
        if (docId == null) {
            return SourceDoc.rejected(ordinal, source, line, null, Reject.of(Reject.MISSING_ID, "no 'id' field"));
        }
        String joined = DocumentText.join(title == null ? null : title.toString(),
                text == null ? null : text.toString());
        if (joined.isBlank()) {
            return SourceDoc.rejected(ordinal, source, line, docId, Reject.of(Reject.EMPTY_TEXT, "text is empty"));
        }
        // about 4 characters per word piece: only used to size shards before encoding
        int estimate = Math.max(4, joined.length() / 4);
        return new SourceDoc(ordinal, source, line, docId, joined, null, null, estimate, metadataOf(metadata), null);
    }

    /**
     * A document with precomputed vectors given as rows ({@code List<List<Number>>}).
     *
     * @param dim the expected width; 0 accepts the first row's width
     */
    public static SourceDoc vectors(long ordinal, String source, long line, Object id, List<?> rows, int dim,
            Object metadata) {
        String docId = idOf(id);
        if (docId == null) {
            return SourceDoc.rejected(ordinal, source, line, null, Reject.of(Reject.MISSING_ID, "no 'id' field"));
        }
        if (rows == null || rows.isEmpty()) {
            return SourceDoc.rejected(ordinal, source, line, docId, Reject.of(Reject.EMPTY_VECTORS, "no vectors"));
        }
        int width = dim > 0 ? dim : ((List<?>) rows.get(0)).size();
        float[] flat = new float[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            List<?> row = (List<?>) rows.get(r);
            if (row == null || row.size() != width) {
                return SourceDoc.rejected(ordinal, source, line, docId, Reject.of(Reject.WRONG_DIM, "vector " + r
                        + " has " + (row == null ? 0 : row.size()) + " values, expected dim " + width));
            }
            for (int d = 0; d < width; d++) {
                Object v = row.get(d);
                flat[r * width + d] = v == null ? Float.NaN : ((Number) v).floatValue();
            }
        }
        Reject bad = checkFinite(flat, width);
        if (bad != null) {
            return SourceDoc.rejected(ordinal, source, line, docId, bad);
        }
        return new SourceDoc(ordinal, source, line, docId, null, flat, null, rows.size(), metadataOf(metadata), null);
    }

    /** The first non-finite value of a {@code [n × dim]} matrix as a reject, or null if all are finite. */
    public static Reject checkFinite(float[] m, int dim) {
        for (int i = 0; i < m.length; i++) {
            if (!Float.isFinite(m[i])) {
                return Reject.of(Reject.NON_FINITE, "non-finite value " + m[i] + " at vector " + (i / dim) + ", dim "
                        + (i % dim));
            }
        }
        return null;
    }

    private static String idOf(Object id) {
        if (id == null) {
            return null;
        }
        String s = id.toString();
        return s.isBlank() ? null : s;
    }

    static Map<String, String> metadataOf(Object metadata) {
        if (!(metadata instanceof Map<?, ?> m) || m.isEmpty()) {
            return null;
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getKey() != null && e.getValue() != null) {
                out.put(e.getKey().toString(), e.getValue().toString());
            }
        }
        return out.isEmpty() ? null : out;
    }
}
