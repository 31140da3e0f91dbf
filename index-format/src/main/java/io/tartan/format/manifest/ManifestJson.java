package io.tartan.format.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tartan.format.FormatVersion;
import io.tartan.format.IndexFormatException;

import java.nio.charset.StandardCharsets;

/**
 * Manifest JSON (de)serialisation. The version fields are read before anything else so an index written by a newer
 * major version fails with "unsupported version" rather than a confusing binding error; unknown fields are ignored,
 * which is what lets minor versions add optional fields.
 */
public final class ManifestJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private static final String[] REQUIRED = {"version", "snapshot-id", "timestamp-ms", "operation", "settings",
        "codec", "shards", "ivf", "summary"};

    private ManifestJson() {
    }

    public static byte[] write(Manifest m) {
        m.validate("manifest v" + m.version());
        try {
            return MAPPER.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise manifest", e);
        }
    }

    public static Manifest read(byte[] json, String fileName) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IndexFormatException(fileName + ": not valid JSON: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IndexFormatException(fileName + ": manifest must be a JSON object");
        }
        JsonNode major = tree.get("format-version");
        if (major == null || !major.isInt()) {
            throw new IndexFormatException(fileName + ": missing integer 'format-version'");
        }
        FormatVersion.requireSupported(major.asInt(), tree.path("format-minor-version").asInt(0), fileName);
        for (String field : REQUIRED) {
            if (!tree.hasNonNull(field)) {
                throw new IndexFormatException(fileName + ": missing required field '" + field + "'");
            }
        }
        Manifest m;
        try {
            m = MAPPER.treeToValue(tree, Manifest.class);
        } catch (JsonProcessingException e) {
            throw new IndexFormatException(fileName + ": malformed manifest: " + e.getOriginalMessage(), e);
        }
        m.validate(fileName);
        return m;
    }

    /** Any JSON value, pretty-printed (build summaries and the like). */
    public static byte[] writeValue(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String toString(Manifest m) {
        return new String(write(m), StandardCharsets.UTF_8);
    }
}
