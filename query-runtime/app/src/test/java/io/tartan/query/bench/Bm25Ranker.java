package io.tartan.query.bench;

import org.apache.lucene.util.SmallFloat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * BM25 over {@link TermIndex} fields with the variants that implementations differ in. The (k1 + 1) factor of the
 * numerator is left out, as Lucene 9 does: it scales every score alike and changes no ranking. With {@code Idf.LUCENE}
 * and {@code Norm.LUCENE} it scores as Lucene's BM25Similarity (Anserini, Tartan); {@code Idf.OKAPI} with
 * {@code Norm.EXACT} is rank_bm25's BM25Okapi, {@code Idf.LUCENE} with {@code Norm.EXACT} is bm25s's default "lucene"
 * method. Several fields are combined as a dis-max with a tie-breaker (0: the best field, Elasticsearch's
 * best_fields; 1: the sum, Pyserini's multi-field query).
 */
final class Bm25Ranker {
    enum Idf {
        /** {@code log(1 + (N − n + 0.5) / (n + 0.5))}: Lucene, Anserini, bm25s. */
        LUCENE,
        /** {@code log((N − n + 0.5) / (n + 0.5))}: Robertson–Spärck Jones, negative for terms in over half the docs. */
        ROBERTSON,
        /** ROBERTSON with rank_bm25's floor: a negative idf becomes 0.25 × the mean idf over the vocabulary. */
        OKAPI,
        /** {@code log(N / n)}: ATIRE. */
        ATIRE
    }

    enum Norm {
        /**
         * Lucene's: the document length is stored in one byte (SmallFloat.intToByte4, exact to 24 then coarser) and N
         * and avgdl count only the documents that have the field.
         */
        LUCENE,
        /** Exact lengths; N and avgdl over the whole corpus (bm25s, rank_bm25). */
        EXACT
    }

    private static final double OKAPI_EPSILON = 0.25;

    private final double k1;
    private final double b;
    private final Idf idf;
    private final Norm norm;
    private final Map<TermIndex, Double> meanIdf = new IdentityHashMap<>();

    Bm25Ranker(double k1, double b, Idf idf, Norm norm) {
        this.k1 = k1;
        this.b = b;
        this.idf = idf;
        this.norm = norm;
    }

    /**
     * Scores every document for a query given as term → weight (1 for each distinct term, or its count in the query).
     * Documents that match no term are left NaN, so a ranking can tell them from a score of 0 or below.
     */
    double[] score(Map<String, Integer> query, List<TermIndex> fields, double tieBreaker) {
        int ndocs = fields.get(0).ndocs();
        List<double[]> perField = new ArrayList<>(fields.size());
        for (TermIndex f : fields) {
            perField.add(scoreField(query, f));
        }
        if (perField.size() == 1) {
            return perField.get(0);
        }
        double[] out = new double[ndocs];
        for (int d = 0; d < ndocs; d++) {
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            boolean any = false;
            for (double[] s : perField) {
                if (!Double.isNaN(s[d])) {
                    any = true;
                    max = Math.max(max, s[d]);
                    sum += s[d];
                }
            }
            out[d] = any ? max + tieBreaker * (sum - max) : Double.NaN;
        }
        return out;
    }

    private double[] scoreField(Map<String, Integer> query, TermIndex f) {
        double[] s = new double[f.ndocs()];
        Arrays.fill(s, Double.NaN);
        long n = norm == Norm.LUCENE ? f.nonEmptyDocs() : f.ndocs();
        double avgdl = f.totalLength() / (double) n;
        for (Map.Entry<String, Integer> q : query.entrySet()) {
            TermIndex.Postings p = f.postings(q.getKey());
            if (p == null) {
                continue;
            }
            double w = q.getValue() * idf(p.docs().length, n, f);
            for (int i = 0; i < p.docs().length; i++) {
                int d = p.docs()[i];
                double tf = p.freqs()[i];
                double dl = norm == Norm.LUCENE ? SmallFloat.byte4ToInt(SmallFloat.intToByte4(f.length(d))) : f.length(d);
                double v = w * tf / (tf + k1 * (1 - b + b * dl / avgdl));
                s[d] = Double.isNaN(s[d]) ? v : s[d] + v;
            }
        }
        return s;
    }

    private double idf(long df, long n, TermIndex f) {
        return switch (idf) {
            case LUCENE -> Math.log(1 + (n - df + 0.5) / (df + 0.5));
            case ROBERTSON -> robertson(df, n);
            case OKAPI -> {
                double v = robertson(df, n);
                yield v >= 0 ? v : OKAPI_EPSILON * meanIdf.computeIfAbsent(f, x -> meanRobertson(x, n));
            }
            case ATIRE -> Math.log(n / (double) df);
        };
    }

    private static double robertson(long df, long n) {
        return Math.log((n - df + 0.5) / (df + 0.5));
    }

    private static double meanRobertson(TermIndex f, long n) {
        int[] dfs = f.documentFrequencies();
        double sum = 0;
        for (int df : dfs) {
            sum += robertson(df, n);
        }
        return sum / dfs.length;
    }
}
