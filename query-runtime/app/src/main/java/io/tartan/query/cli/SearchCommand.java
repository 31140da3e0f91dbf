package io.tartan.query.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import io.tartan.query.server.QueryVectors;
import io.tartan.query.text.Snippet;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tartan search}: one query (text or vectors) or a file of queries against an index; prints ranked doc ids,
 * JSON ({@code {"results": [{"rank", "doc_id", "score"}…], "latency_ms"}}), or writes a TREC run file.
 */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search a Tartan index.")
public final class SearchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    IndexSource source;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--query", description = "query text (needs a model)")
        String query;

        @Option(names = "--queries", description = "JSONL file: {\"qid\", \"query\"} or {\"qid\", \"vectors\"} per line, vectors as [[…]…] or a "
                + "base64 string of little-endian float32, as in an HTTP request")
        Path queries;

        @Option(names = "--query-vectors", description = ".npy float32 [nq, dim] (one query) or [n, nq, dim] (n queries)")
        Path queryVectors;
    }

    @Option(names = "--run", description = "write a TREC run file (qid Q0 docid rank score tartan)")
    Path run;

    @Option(names = "-k", defaultValue = "10", description = "results per query (default 10)")
    int k;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Mixin
    SearchOptions search;

    PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (for tests). */
    public static int run(String... args) {
        return Cli.execute("search", new SearchCommand(), args);
    }

    @Override
    public Integer call() throws IOException {
        if (k <= 0) {
            throw new IllegalArgumentException("-k must be positive, got " + k);
        }
        SearchParams params = search.params();
        params.resolve(k);
        try (TartanIndex idx = source.open()) {
            List<String[]> textQueries = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            List<String> qids = new ArrayList<>();
            readQueries(idx, qids, vectors, textQueries);
            String[] texts = new String[qids.size()];
            for (String[] t : textQueries) {
                texts[Integer.parseInt(t[0])] = t[1];
            }
            // bm25 reads the text only: no model to load
            if (!textQueries.isEmpty() && params.mode().needsVectors()) {
                source.useModel(idx);
                for (String[] t : textQueries) {
                    vectors.set(Integer.parseInt(t[0]), idx.encode(t[1]));
                }
            }
            BufferedWriter runOut = run == null ? null : Files.newBufferedWriter(run, StandardCharsets.UTF_8);
            try {
                for (int i = 0; i < qids.size(); i++) {
                    long t0 = System.nanoTime();
                    SearchResult r = texts[i] == null ? idx.search(vectors.get(i), k, params)
                            : idx.search(texts[i], vectors.get(i), k, params);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (runOut != null) {
                        writeRun(runOut, qids.get(i), r);
                    } else {
                        print(idx, qids.size() > 1 ? qids.get(i) : null, r, ms);
                    }
                }
            } finally {
                if (runOut != null) {
                    runOut.close();
                }
            }
        }
        return 0;
    }

    private void readQueries(TartanIndex idx, List<String> qids, List<float[]> vectors, List<String[]> text) throws IOException {
        int dim = idx.snapshot().dim();
        if (input.query != null) {
            qids.add("1");
            vectors.add(null);
            text.add(new String[] {"0", input.query});
        } else if (input.queryVectors != null) {
            NpyArray a = NpyArray.read(input.queryVectors);
            long[] shape = a.shape();
            if (shape[shape.length - 1] != dim || (shape.length != 2 && shape.length != 3)) {
                throw new IllegalArgumentException(input.queryVectors + ": shape " + Arrays.toString(shape)
                        + " is not [nq, " + dim + "] or [n, nq, " + dim + "]");
            }
            int n = shape.length == 2 ? 1 : (int) shape[0];
            int per = a.floats().length / n;
            for (int i = 0; i < n; i++) {
                qids.add(Integer.toString(i));
                vectors.add(Arrays.copyOfRange(a.floats(), i * per, (i + 1) * per));
            }
        } else {
            int line = 0;
            for (String s : Files.readAllLines(input.queries, StandardCharsets.UTF_8)) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(s);
                String qid = n.hasNonNull("qid") ? n.get("qid").asText() : n.hasNonNull("_id") ? n.get("_id").asText()
                        : Integer.toString(line);
                qids.add(qid);
                if (n.has("vectors")) {
                    vectors.add(QueryVectors.of(n.get("vectors"), dim));
                } else {
                    String q = n.hasNonNull("query") ? n.get("query").asText() : n.hasNonNull("text") ? n.get("text").asText() : null;
                    if (q == null) {
                        throw new IllegalArgumentException(input.queries + " line " + line + ": no \"query\", \"text\" or \"vectors\"");
                    }
                    vectors.add(null);
                    text.add(new String[] {Integer.toString(vectors.size() - 1), q});
                }
            }
        }
    }

    private void print(TartanIndex idx, String qid, SearchResult r, double ms) throws IOException {
        if (json) {
            ObjectNode o = JSON.createObjectNode();
            if (qid != null) {
                o.put("qid", qid);
            }
            o.set("results", JsonQueries.hits(r, idx, java.util.List.of("snippet", "metadata")));
            o.put("latency_ms", Math.round(ms * 1000) / 1000.0);
            out.println(JSON.writeValueAsString(o));
            return;
        }
        int rank = 1;
        for (SearchHit h : r.hits()) {
            // where the index stores the text: a snippet of it as a fourth column (title first: text is title + text)
            io.tartan.format.bm25.TextIndexDoc d = idx.document(h);
            String snippet = d == null ? null : Snippet.of(d.text(), Snippet.DEFAULT_CHARS);
            out.println((qid != null ? qid + "\t" : "") + rank++ + "\t" + h.docId() + "\t" + h.score()
                    + (snippet == null ? "" : "\t" + snippet));
        }
    }

    private static void writeRun(BufferedWriter w, String qid, SearchResult r) throws IOException {
        int rank = 1;
        for (SearchHit h : r.hits()) {
            w.write(qid + " Q0 " + h.docId() + " " + rank++ + " " + h.score() + " tartan\n");
        }
    }

}
