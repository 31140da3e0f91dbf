package io.tartan.jobs.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * JSON Lines text corpus: one object per line with {@code id} (or BEIR's {@code _id}), {@code text}, optional
 * {@code title} and optional {@code metadata} (an object of strings). One task streams one file, numbering lines
 * from 1; blank lines are skipped, lines that are not JSON objects are rejected.
 */
final class JsonlCorpusReader implements CorpusReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> files;
    private final HadoopConf conf;

    JsonlCorpusReader(List<String> files, HadoopConf conf) {
        this.files = files;
        this.conf = conf;
    }

    @Override
    public JavaRDD<SourceDoc> read(JavaSparkContext sc) {
        List<Tuple2<Integer, String>> indexed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            indexed.add(new Tuple2<>(i, files.get(i)));
        }
        HadoopConf hc = conf;
        return sc.parallelize(indexed, indexed.size()).flatMap(f -> new Lines(hc, f._1(), f._2()));
    }

    static SourceDoc parse(int fileIndex, String source, long line, String text) {
        long ordinal = SourceDoc.ordinal(fileIndex, line);
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return SourceDoc.rejected(ordinal, source, line, null, Reject.of(Reject.BAD_JSON, msg));
        }
        if (node == null || !node.isObject()) {
            return SourceDoc.rejected(ordinal, source, line, null, Reject.of(Reject.BAD_JSON, "not a JSON object"));
        }
        JsonNode id = node.hasNonNull("id") ? node.get("id") : node.get("_id");
        JsonNode meta = node.get("metadata");
        Map<?, ?> metadata = meta != null && meta.isObject() ? JSON.convertValue(meta, Map.class) : null;
        return DocFields.text(ordinal, source, line, id == null || id.isNull() ? null : id.asText(),
                textOf(node.get("title")), textOf(node.get("text")), metadata);
    }

    private static String textOf(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
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

    /** Streams one file's non-blank lines as parsed rows. */
    private static final class Lines implements Iterator<SourceDoc> {
        private final BufferedReader reader;
        private final int fileIndex;
        private final String source;
        private long line;
        private String next;

        Lines(HadoopConf conf, int fileIndex, String source) throws IOException {
            Path p = new Path(source);
            FSDataInputStream in = p.getFileSystem(conf.get()).open(p);
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            this.fileIndex = fileIndex;
            this.source = source;
            advance();
        }

        private void advance() {
            try {
                do {
                    next = reader.readLine();
                    line++;
                } while (next != null && next.isBlank());
                if (next == null) {
                    reader.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + source + " at line " + line + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public SourceDoc next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            SourceDoc d = parse(fileIndex, source, line, next);
            advance();
            return d;
        }
    }
}
