package io.tartan.jobs.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * JSON Lines text corpus: one object per line with {@code id} (or BEIR's {@code _id}), {@code text}, optional
 * {@code title} and optional {@code metadata} (an object of strings). Each file is read in byte ranges of
 * {@code input_split_mb}, one task each, cut at line ends ({@link LineSplit}); lines are numbered from 1 in their
 * file, exactly, by counting the {@code \n} bytes before each range in a first, cheap pass over the files that have
 * more than one range. Blank lines are skipped, lines that are not JSON objects are rejected.
 */
final class JsonlCorpusReader implements CorpusReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> files;
    private final HadoopConf conf;
    private final long splitBytes;
    private final Map<String, Long> lengths = new HashMap<>();

    JsonlCorpusReader(List<String> files, HadoopConf conf, long splitBytes) {
        this.files = files;
        this.conf = conf;
        this.splitBytes = Math.max(1, splitBytes);
    }

    @Override
    public JavaRDD<SourceDoc> read(JavaSparkContext sc) {
        List<LineSplit> splits = splits(sc);
        HadoopConf hc = conf;
        return sc.parallelize(splits, Math.max(1, splits.size())).flatMap(split -> new Docs(split, split.lines(hc)));
    }

    /** Every file cut into byte ranges, each knowing the number of its first line. */
    private List<LineSplit> splits(JavaSparkContext sc) {
        List<LineSplit> unnumbered = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            long len = length(files.get(f));
            for (long start = 0; start == 0 || start < len; start += splitBytes) {
                unnumbered.add(new LineSplit(f, files.get(f), start, Math.min(len, start + splitBytes), 1));
            }
        }
        List<LineSplit> toCount = unnumbered.stream().filter(s -> s.start() > 0 || s.end() < length(s)).toList();
        if (toCount.isEmpty()) {
            return unnumbered;
        }
        HadoopConf hc = conf;
        List<Long> counts = sc.parallelize(toCount, toCount.size()).map(s -> s.countNewlines(hc)).collect();
        Map<LineSplit, Long> newlines = new HashMap<>();
        for (int i = 0; i < toCount.size(); i++) {
            newlines.put(toCount.get(i), counts.get(i));
        }
        List<LineSplit> out = new ArrayList<>(unnumbered.size());
        long before = 0;
        int file = -1;
        for (LineSplit s : unnumbered) {
            if (s.fileIndex() != file) {
                file = s.fileIndex();
                before = 0;
            }
            out.add(new LineSplit(s.fileIndex(), s.path(), s.start(), s.end(), 1 + before));
            before += newlines.getOrDefault(s, 0L);
        }
        return out;
    }

    private long length(LineSplit s) {
        return length(s.path());
    }

    private long length(String file) {
        return lengths.computeIfAbsent(file, f -> {
            Path p = new Path(f);
            try {
                return p.getFileSystem(conf.get()).getFileStatus(p).getLen();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
            }
        });
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

    /** A split's non-blank lines, parsed. */
    private static final class Docs implements Iterator<SourceDoc> {
        private final LineSplit split;
        private final Iterator<LineSplit.Line> lines;
        private LineSplit.Line next;

        Docs(LineSplit split, Iterator<LineSplit.Line> lines) {
            this.split = split;
            this.lines = lines;
            advance();
        }

        private void advance() {
            next = null;
            while (lines.hasNext()) {
                LineSplit.Line l = lines.next();
                if (!l.text().isBlank()) {
                    next = l;
                    return;
                }
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
            LineSplit.Line l = next;
            advance();
            return parse(split.fileIndex(), split.path(), l.number(), l.text());
        }
    }
}
