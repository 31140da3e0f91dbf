package io.tartan.jobs.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.jobs.input.CorpusReader;
import io.tartan.jobs.input.DocFields;
import io.tartan.jobs.input.Reject;
import io.tartan.jobs.input.SourceDoc;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON Lines queries, the files {@code tartan eval} and {@code tartan search --queries} read: one object per line
 * with an id ({@code _id}, {@code id} or {@code qid}) and either text ({@code text} or {@code query}) or token vectors
 * ({@code vectors}: {@code [[dim floats]…]}). Files are split by Spark's text input (byte ranges aligned to lines),
 * so a large query file is read by many tasks; lines keep their 1-based number in the file for reject reports.
 */
final class JsonlQueryReader implements CorpusReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> files;
    private final int dim;

    JsonlQueryReader(List<String> files, int dim) {
        this.files = files;
        this.dim = dim;
    }

    @Override
    public JavaRDD<SourceDoc> read(JavaSparkContext sc) {
        List<JavaRDD<SourceDoc>> parts = new ArrayList<>();
        int width = dim;
        for (int i = 0; i < files.size(); i++) {
            int fileIndex = i;
            String source = files.get(i);
            parts.add(sc.textFile(source).zipWithIndex()
                    .filter(t -> !t._1().isBlank())
                    .map(t -> parse(fileIndex, source, t._2() + 1, t._1(), width)));
        }
        return parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(JavaRDD[]::new));
    }

    static SourceDoc parse(int fileIndex, String source, long line, String text, int dim) {
        long ordinal = SourceDoc.ordinal(fileIndex, line);
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return SourceDoc.rejected(ordinal, source, line, null, Reject.of(Reject.BAD_JSON, msg));
        }
        if (n == null || !n.isObject()) {
            return SourceDoc.rejected(ordinal, source, line, null, Reject.of(Reject.BAD_JSON, "not a JSON object"));
        }
        String id = firstText(n, "_id", "id", "qid");
        if (!n.has("vectors")) {
            return DocFields.text(ordinal, source, line, id, null, firstText(n, "text", "query"), null);
        }
        JsonNode v = n.get("vectors");
        if (!v.isArray()) {
            return SourceDoc.rejected(ordinal, source, line, id, Reject.of(Reject.BAD_ROW,
                    "\"vectors\" must be an array of " + dim + "-float arrays"));
        }
        List<Object> rows = new ArrayList<>(v.size());
        for (JsonNode row : v) {
            if (!row.isArray()) {
                return SourceDoc.rejected(ordinal, source, line, id, Reject.of(Reject.BAD_ROW,
                        "\"vectors\" must be an array of " + dim + "-float arrays"));
            }
            List<Object> values = new ArrayList<>(row.size());
            for (JsonNode x : row) {
                if (!x.isNumber()) {
                    return SourceDoc.rejected(ordinal, source, line, id, Reject.of(Reject.BAD_ROW,
                            "\"vectors\" holds " + x.getNodeType() + " where a number belongs"));
                }
                values.add(x.floatValue());
            }
            rows.add(values);
        }
        return DocFields.vectors(ordinal, source, line, id, rows, dim, null);
    }

    private static String firstText(JsonNode n, String... names) {
        for (String name : names) {
            if (n.hasNonNull(name)) {
                return n.get(name).asText();
            }
        }
        return null;
    }

    @Override
    public boolean precomputed() {
        return false;
    }

    @Override
    public int dim() {
        return 0;
    }

    @Override
    public String format() {
        return "jsonl";
    }
}
