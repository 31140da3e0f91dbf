package io.tartan.query.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * A request's {@code "vectors"}, read from the parser's tokens into row-major {@code [tokens × dim]} floats, in one of
 * two forms:
 *
 * <ul>
 *   <li>a JSON array of rows, {@code [[dim numbers], …]};
 *   <li>a base64 string of the rows' little-endian IEEE float32 bytes, row-major, exactly numpy's
 *       {@code q.astype('<f4').tobytes()}: RFC 4648's standard alphabet ({@code A–Z a–z 0–9 + /}), {@code =} padding
 *       optional, no line breaks or spaces. The byte count must be a positive multiple of {@code 4 · dim}; the token
 *       count it gives is checked against {@code max_query_tokens} from the string's length, before it is decoded.
 * </ul>
 *
 * Neither form builds a tree: a 32 × 128 query is 4,096 numbers, and a node for each cost the server more than the
 * search of a partition. Every component must be a finite float32: base64 can carry NaN and ±Inf bit patterns, JSON
 * cannot spell them, and a number beyond float range (1e39) would round to ±Inf; either would make every score NaN or
 * infinite, so both forms answer 400 naming the component.
 *
 * <p>The CLI's query files ({@code tartan search}/{@code eval}) take the same two forms through {@link #of}.
 */
public final class QueryVectors {
    static final String FIELD = "vectors";

    private QueryVectors() {
    }

    /**
     * The vectors of an already parsed {@code "vectors"} value (a query file's line), with the same forms, checks and
     * messages as a request's; {@code null} (no such field) is refused like any other wrong shape.
     */
    public static float[] of(JsonNode vectors, int dim) {
        if (vectors == null) {
            throw new IllegalArgumentException(shape(dim));
        }
        try (JsonParser p = vectors.traverse()) {
            p.nextToken();
            return read(p, dim, Integer.MAX_VALUE);
        } catch (IOException e) {
            // a tree in memory has nothing left to read that could fail
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The vectors whose value the parser's current token starts; on return the parser is at that value's last token. */
    static float[] read(JsonParser p, int dim, int maxTokens) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return base64(p, dim, maxTokens);
        }
        if (t == JsonToken.START_ARRAY) {
            return rows(p, dim, maxTokens);
        }
        p.skipChildren();
        throw new IllegalArgumentException(shape(dim));
    }

    private static String shape(int dim) {
        return "\"vectors\" must be a non-empty array of " + dim + "-float arrays, or a base64 string of little-endian"
                + " float32 (tokens × " + dim + ")";
    }

    private static float[] base64(JsonParser p, int dim, int maxTokens) throws IOException {
        int chars = p.getTextLength();
        if (chars == 0) {
            throw new IllegalArgumentException(shape(dim));
        }
        String s = p.getText();
        // the decoded size from the length alone, so an over-long query is refused before anything is decoded;
        // a malformed string is caught by the decoder below
        int pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
        long bytes = (long) (chars - pad) * 3 / 4;
        long rowBytes = 4L * dim;
        if (bytes / rowBytes > maxTokens) {
            throw new LimitExceededException("max_query_tokens", "\"vectors\" with " + bytes / rowBytes + " token vectors", maxTokens);
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"vectors\" is not valid base64 (standard alphabet A-Z a-z 0-9 + /, '=' padding"
                    + " optional, no line breaks): " + e.getMessage());
        }
        if (raw.length % rowBytes != 0) {
            throw new IllegalArgumentException("\"vectors\" as base64 decodes to " + raw.length + " bytes, not a multiple of 4 · dim = "
                    + rowBytes + " (little-endian float32, tokens × the index dim " + dim + ")");
        }
        FloatBuffer fb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw notFinite(i / dim, i % dim, out[i]);
            }
        }
        return out;
    }

    private static IllegalArgumentException notFinite(int row, int d, float v) {
        return new IllegalArgumentException("\"vectors\"[" + row + "][" + d + "] is " + v + ": every component must be a finite float32");
    }

    /** The array form; its messages are those the tree-based reader of the CLI and the server gave before. */
    private static float[] rows(JsonParser p, int dim, int maxTokens) throws IOException {
        float[] out = new float[Math.min(maxTokens, 32) * dim];
        float[] row = new float[dim];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (n >= maxTokens) {
                // count the rest only to name the request's size, as the tree-based check did
                p.skipChildren();
                n++;
                continue;
            }
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                throw new IllegalArgumentException("\"vectors\"[" + n + "] must be an array of " + dim
                        + " numbers (the index dim), got " + nodeType(t));
            }
            int values = 0;
            int notNumber = -1;
            for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                    if (values < dim) {
                        // double then float, as the tree's DoubleNode.floatValue() gave: the same float for every input
                        row[values] = (float) p.getDoubleValue();
                    }
                } else {
                    p.skipChildren();
                    if (notNumber < 0) {
                        notNumber = values;
                    }
                }
                values++;
            }
            if (values != dim) {
                throw new IllegalArgumentException("\"vectors\"[" + n + "] must be an array of " + dim
                        + " numbers (the index dim), got " + values + " values");
            }
            if (notNumber >= 0) {
                throw new IllegalArgumentException("\"vectors\"[" + n + "][" + notNumber + "] is not a number");
            }
            for (int d = 0; d < dim; d++) {
                if (!Float.isFinite(row[d])) {
                    throw notFinite(n, d, row[d]);
                }
            }
            if ((n + 1) * dim > out.length) {
                out = Arrays.copyOf(out, Math.min(maxTokens, 2 * (n + 1)) * dim);
            }
            System.arraycopy(row, 0, out, n * dim, dim);
            n++;
        }
        if (n > maxTokens) {
            throw new LimitExceededException("max_query_tokens", "\"vectors\" with " + n + " token vectors", maxTokens);
        }
        if (n == 0) {
            throw new IllegalArgumentException(shape(dim));
        }
        return n * dim == out.length ? out : Arrays.copyOf(out, n * dim);
    }

    /** The JsonNodeType name the tree-based reader reported for a row that is not an array. */
    private static String nodeType(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "OBJECT";
            case VALUE_STRING -> "STRING";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
            case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
            case VALUE_NULL -> "NULL";
            default -> t.name();
        };
    }
}
