package io.tartan.query.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Relevance judgements: query id → doc id → grade. Reads the BEIR-style TSV ({@code query_id doc_id score}, header
 * optional) and the TREC qrels format ({@code qid 0 docid grade}). A grade above 0 means relevant; grades are gains
 * for nDCG (use Cranfield's {@code qrels_gain.tsv}).
 */
public final class Qrels {
    private final Map<String, Map<String, Integer>> byQuery;

    public Qrels(Map<String, Map<String, Integer>> byQuery) {
        this.byQuery = byQuery;
    }

    public static Qrels read(Path file) {
        Map<String, Map<String, Integer>> m = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                String t = line.strip();
                if (t.isEmpty() || (no == 1 && t.startsWith("query_id"))) {
                    continue;
                }
                String[] f = t.split("\\s+");
                if (f.length != 3 && f.length != 4) {
                    throw new IllegalArgumentException(file + ":" + no + ": expected 'query_id doc_id score' or "
                            + "'qid 0 docid grade', got: " + line);
                }
                int grade;
                try {
                    grade = Integer.parseInt(f[f.length - 1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + no + ": grade is not an integer: " + f[f.length - 1]);
                }
                m.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[f.length - 2], grade);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read qrels " + file + ": " + e.getMessage(), e);
        }
        return new Qrels(m);
    }

    /** Whether the query has any judgement at all (trec_eval skips queries that have none). */
    public boolean isJudged(String queryId) {
        return byQuery.containsKey(queryId);
    }

    /** Judgements of one query (empty if none). */
    public Map<String, Integer> judgements(String queryId) {
        return byQuery.getOrDefault(queryId, Collections.emptyMap());
    }

    public int size() {
        return byQuery.size();
    }
}
