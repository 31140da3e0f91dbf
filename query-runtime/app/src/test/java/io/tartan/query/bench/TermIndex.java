package io.tartan.query.bench;

import org.apache.lucene.analysis.Analyzer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One analyzed field of a small collection in memory: per-document lengths and term postings, the statistics BM25
 * reads. A field made of others ({@link #concat}) is what analyzing their texts joined by a space gives, because every
 * chain in {@link AnalysisChains} analyzes word by word; it saves analyzing title + text once per document variant.
 */
final class TermIndex {
    /** Postings of one term: document numbers ascending, and the term's frequency in each. */
    record Postings(int[] docs, int[] freqs) {
    }

    private final List<Map<String, Integer>> docTerms;
    private final int[] lengths;
    private final Map<String, Postings> postings;
    private final long totalLength;
    private final int nonEmpty;

    private TermIndex(List<Map<String, Integer>> docTerms) {
        this.docTerms = docTerms;
        lengths = new int[docTerms.size()];
        Map<String, int[]> df = new HashMap<>();
        long total = 0;
        int ne = 0;
        for (int d = 0; d < lengths.length; d++) {
            for (Map.Entry<String, Integer> e : docTerms.get(d).entrySet()) {
                lengths[d] += e.getValue();
                df.computeIfAbsent(e.getKey(), k -> new int[1])[0]++;
            }
            total += lengths[d];
            ne += lengths[d] > 0 ? 1 : 0;
        }
        totalLength = total;
        nonEmpty = ne;
        postings = new HashMap<>(df.size() * 2);
        Map<String, int[]> fill = new HashMap<>(df.size() * 2);
        df.forEach((t, n) -> {
            postings.put(t, new Postings(new int[n[0]], new int[n[0]]));
            fill.put(t, new int[1]);
        });
        for (int d = 0; d < lengths.length; d++) {
            for (Map.Entry<String, Integer> e : docTerms.get(d).entrySet()) {
                Postings p = postings.get(e.getKey());
                int i = fill.get(e.getKey())[0]++;
                p.docs[i] = d;
                p.freqs[i] = e.getValue();
            }
        }
    }

    static TermIndex analyze(List<String> texts, Analyzer analyzer) {
        List<Map<String, Integer>> docs = new ArrayList<>(texts.size());
        for (String text : texts) {
            Map<String, Integer> tf = new HashMap<>();
            for (String t : AnalysisChains.tokens(analyzer, text)) {
                tf.merge(t, 1, Integer::sum);
            }
            docs.add(tf);
        }
        return new TermIndex(docs);
    }

    /** The field {@code copies[0]} times {@code parts[0]}, then {@code copies[1]} times {@code parts[1]}, … */
    static TermIndex concat(TermIndex[] parts, int[] copies) {
        int n = parts[0].docTerms.size();
        List<Map<String, Integer>> docs = new ArrayList<>(n);
        for (int d = 0; d < n; d++) {
            Map<String, Integer> tf = new HashMap<>();
            for (int p = 0; p < parts.length; p++) {
                int c = copies[p];
                parts[p].docTerms.get(d).forEach((t, f) -> tf.merge(t, f * c, Integer::sum));
            }
            docs.add(tf);
        }
        return new TermIndex(docs);
    }

    int ndocs() {
        return lengths.length;
    }

    /** Documents with at least one term: Lucene's docCount for the field, the N of its idf and avgdl. */
    int nonEmptyDocs() {
        return nonEmpty;
    }

    long totalLength() {
        return totalLength;
    }

    int length(int doc) {
        return lengths[doc];
    }

    /** Postings of a term, or null when no document has it. */
    Postings postings(String term) {
        return postings.get(term);
    }

    /** Every term's document frequency (for an idf that depends on the whole vocabulary, as rank_bm25's floor). */
    int[] documentFrequencies() {
        return postings.values().stream().mapToInt(p -> p.docs.length).toArray();
    }

    @Override
    public String toString() {
        return "TermIndex[" + ndocs() + " docs, " + postings.size() + " terms, avgdl "
                + (totalLength / (double) Math.max(1, nonEmpty)) + "]";
    }
}
