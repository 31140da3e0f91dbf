package io.tartan.query.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.query.server.QueryVectors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One evaluation query: its id and either its text (encoded by the index's model) or its token vectors.
 *
 * @param vectors row-major {@code [nq × dim]}; null for a text query
 */
public record EvalQuery(String id, String text, float[] vectors) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads a JSONL query file: BEIR's {@code {"_id"|"id", "text"}} or Tartan's {@code {"qid", "query"}} or
     * {@code {"qid", "vectors": [[…]…]}} per line. A line that cannot be used is reported to {@code reject} with its
     * file and line number and left out, so one bad line never stops an evaluation.
     */
    public static List<EvalQuery> readJsonl(Path file, int dim, Consumer<String> reject) {
        List<EvalQuery> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse(JSON.readTree(line), dim));
                } catch (IOException | IllegalArgumentException e) {
                    reject.accept(file + ":" + no + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read queries " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static EvalQuery parse(JsonNode n, int dim) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String id = text(n, "_id", "id", "qid");
        if (id == null) {
            throw new IllegalArgumentException("no \"_id\", \"id\" or \"qid\"");
        }
        if (n.has("vectors")) {
            return new EvalQuery(id, null, QueryVectors.of(n.get("vectors"), dim));
        }
        String text = text(n, "text", "query");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("query " + id + " has no \"text\", \"query\" or \"vectors\"");
        }
        return new EvalQuery(id, text, null);
    }

    private static String text(JsonNode n, String... names) {
        for (String name : names) {
            if (n.hasNonNull(name)) {
                return n.get(name).asText();
            }
        }
        return null;
    }
}
