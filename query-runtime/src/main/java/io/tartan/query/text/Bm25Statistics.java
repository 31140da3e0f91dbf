package io.tartan.query.text;

import io.tartan.format.bm25.TextIndexSchema;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermStatistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics BM25 scores a query with: the body field's document count, total term frequency and document
 * frequency sum, and each query term's document and total term frequency. A partition counts only the shards whose
 * first row it serves ({@link TextIndexes#statistics}), so the partitions' statistics {@linkplain #sum summed} are
 * the whole index's, each shard once, and a partition that scores with them ({@link #searcher}) gives every document
 * the score one node serving the whole index gives it. This is the statistics round of distributed search
 * (Elasticsearch's {@code dfs_query_then_fetch}, Solr's {@code ExactStatsCache}); without it each partition's BM25
 * weighs terms by its own document frequencies.
 *
 * @param version the index version the statistics were counted on (partitions of one version agree on the shards)
 * @param terms   the query's analyzed terms (as {@link Bm25Search#terms} gives them) and their counts
 */
public record Bm25Statistics(long version, long maxDoc, long docCount, long sumTotalTermFreq, long sumDocFreq,
        Map<String, TermCounts> terms) {

    /** A term's document frequency and total term frequency. */
    public record TermCounts(long docFreq, long totalTermFreq) {
        public TermCounts {
            if (docFreq < 0 || totalTermFreq < docFreq) {
                throw new IllegalArgumentException("term counts need 0 <= doc_freq <= total_term_freq, got " + docFreq
                        + ", " + totalTermFreq);
            }
        }
    }

    public Bm25Statistics {
        if (docCount < 0 || docCount > maxDoc || sumDocFreq < docCount || sumTotalTermFreq < sumDocFreq) {
            throw new IllegalArgumentException("BM25 statistics out of range: max_doc " + maxDoc + ", doc_count "
                    + docCount + ", sum_doc_freq " + sumDocFreq + ", sum_total_term_freq " + sumTotalTermFreq);
        }
        terms = Map.copyOf(terms);
    }

    /** The counts of {@code terms} over {@code readers}, summed. */
    static Bm25Statistics count(long version, List<IndexReader> readers, Collection<String> terms) {
        long maxDoc = 0;
        long docCount = 0;
        long sumTtf = 0;
        long sumDf = 0;
        Map<String, TermCounts> counts = new LinkedHashMap<>();
        terms.forEach(t -> counts.put(t, new TermCounts(0, 0)));
        try {
            for (IndexReader r : readers) {
                maxDoc += r.maxDoc();
                docCount += r.getDocCount(TextIndexSchema.BODY);
                sumTtf += r.getSumTotalTermFreq(TextIndexSchema.BODY);
                sumDf += r.getSumDocFreq(TextIndexSchema.BODY);
                for (String t : terms) {
                    Term term = new Term(TextIndexSchema.BODY, t);
                    TermCounts c = counts.get(t);
                    counts.put(t, new TermCounts(c.docFreq + r.docFreq(term), c.totalTermFreq + r.totalTermFreq(term)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("BM25 statistics: " + e.getMessage(), e);
        }
        return new Bm25Statistics(version, maxDoc, docCount, sumTtf, sumDf, counts);
    }

    /**
     * The statistics of the index the parts were counted on, every part counting its own shards.
     *
     * @throws IllegalArgumentException when the parts come from different versions or hold different terms
     */
    public static Bm25Statistics sum(List<Bm25Statistics> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no statistics to sum");
        }
        Bm25Statistics first = parts.get(0);
        long maxDoc = 0;
        long docCount = 0;
        long sumTtf = 0;
        long sumDf = 0;
        Map<String, TermCounts> counts = new LinkedHashMap<>();
        for (Bm25Statistics p : parts) {
            if (p.version != first.version) {
                throw new IllegalArgumentException("statistics of versions " + first.version + " and " + p.version);
            }
            if (!p.terms.keySet().equals(first.terms.keySet())) {
                throw new IllegalArgumentException("statistics of different terms " + first.terms.keySet() + " and "
                        + p.terms.keySet() + ": the parts analyze text differently");
            }
            maxDoc += p.maxDoc;
            docCount += p.docCount;
            sumTtf += p.sumTotalTermFreq;
            sumDf += p.sumDocFreq;
            p.terms.forEach((t, c) -> counts.merge(t, c, (a, b) -> new TermCounts(a.docFreq + b.docFreq,
                    a.totalTermFreq + b.totalTermFreq)));
        }
        return new Bm25Statistics(first.version, maxDoc, docCount, sumTtf, sumDf, counts);
    }

    /**
     * A searcher over {@code idx}'s shards that scores with these statistics instead of its own (the similarity is
     * the index's BM25).
     */
    IndexSearcher searcher(TextIndexes idx) {
        IndexSearcher s = new IndexSearcher(idx.searcher().getIndexReader()) {
            @Override
            public CollectionStatistics collectionStatistics(String field) {
                if (!TextIndexSchema.BODY.equals(field)) {
                    throw new IllegalArgumentException("BM25 statistics are of field " + TextIndexSchema.BODY + ", not " + field);
                }
                return docCount == 0 ? null : new CollectionStatistics(field, maxDoc, docCount, sumTotalTermFreq, sumDocFreq);
            }

            @Override
            public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq) {
                TermCounts c = terms.get(term.text());
                if (c == null) {
                    throw new IllegalArgumentException("the BM25 statistics sent hold no term \"" + term.text()
                            + "\" (they hold " + terms.keySet() + "): they were counted for another query or analysis");
                }
                // a partition holding the term while the sum says no document does: statistics of another version
                if (c.docFreq < docFreq) {
                    throw new IllegalArgumentException("the BM25 statistics sent give term \"" + term.text() + "\" doc_freq "
                            + c.docFreq + " but this partition alone has " + docFreq + ": they are not of this index version");
                }
                return new TermStatistics(term.bytes(), c.docFreq, c.totalTermFreq);
            }
        };
        s.setSimilarity(TextIndexSchema.similarity());
        return s;
    }
}
