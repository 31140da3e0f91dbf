package io.tartan.query.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.format.bm25.TextIndexSchema;
import io.tartan.query.eval.EvalQuery;
import io.tartan.query.eval.Qrels;
import io.tartan.query.eval.RetrievalMetrics;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.tartarus.snowball.ext.EnglishStemmer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * BM25 (k1 0.9, b 0.4, title + text) on a BEIR-layout collection under other analysis chains and query-term
 * weightings than Tartan's, to find which configuration a published BM25 figure was measured with. Usage:
 * {@code Bm25Variants COLLECTION_DIR QRELS_FILE ANALYZER[,ANALYZER…] weighted|unique[,…]}; an analyzer is
 * {@code tartan} (TextIndexSchema's, what the jobs build) or {@code TOKENIZER/STOP/STEM} with TOKENIZER
 * {@code std|stdpos|regex} (regex: {@code [A-Za-z0-9_]+}; stdpos adds English possessives), STOP {@code lucene|none},
 * STEM {@code porter|snowball|kstem|minimal|none}. {@code weighted} boosts a term repeated in the query by its count
 * (Anserini's bag of words, Tartan's); {@code unique} counts each distinct term once. Prints one markdown row per
 * configuration with nDCG@10, MRR@10 and Recall@100 over the judged queries.
 */
public final class Bm25Variants {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_]+");

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Qrels qrels = Qrels.read(dir.resolve(args[1]));
        List<EvalQuery> queries = EvalQuery.readJsonl(dir.resolve("queries.jsonl"), 0, System.err::println);
        System.out.println("| collection | analyzer | query terms | nDCG@10 | MRR@10 | Recall@100 |");
        System.out.println("|---|---|---|---|---|---|");
        for (String spec : args[2].split(",")) {
            Analyzer analyzer = analyzer(spec);
            try (ByteBuffersDirectory d = new ByteBuffersDirectory()) {
                index(dir.resolve("corpus.jsonl"), analyzer, d);
                try (DirectoryReader reader = DirectoryReader.open(d)) {
                    IndexSearcher searcher = new IndexSearcher(reader);
                    searcher.setSimilarity(TextIndexSchema.similarity());
                    for (String weighting : args[3].split(",")) {
                        double ndcg = 0;
                        double rr = 0;
                        double recall = 0;
                        int judged = 0;
                        for (EvalQuery q : queries) {
                            if (!qrels.isJudged(q.id())) {
                                continue;
                            }
                            judged++;
                            List<String> ranked = new ArrayList<>();
                            for (ScoreDoc sd : searcher.search(query(analyzer, q.text(), weighting.equals("unique")),
                                    100).scoreDocs) {
                                ranked.add(searcher.storedFields().document(sd.doc).get("id"));
                            }
                            Map<String, Integer> j = qrels.judgements(q.id());
                            ndcg += RetrievalMetrics.ndcg(ranked, j, 10);
                            rr += RetrievalMetrics.reciprocalRank(ranked, j, 10);
                            recall += RetrievalMetrics.recall(ranked, j, 100);
                        }
                        System.out.printf("| %s | %s | %s | %.3f | %.3f | %.3f |%n", dir.getFileName(), spec, weighting,
                                ndcg / judged, rr / judged, recall / judged);
                    }
                }
            }
        }
    }

    private static void index(Path corpus, Analyzer analyzer, ByteBuffersDirectory d) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (IndexWriter w = new IndexWriter(d, new IndexWriterConfig(analyzer)
                .setSimilarity(TextIndexSchema.similarity()))) {
            for (String line : Files.readAllLines(corpus)) {
                JsonNode n = json.readTree(line);
                Document doc = new Document();
                doc.add(new StoredField("id", n.get("id").asText()));
                doc.add(new TextField("body", n.path("title").asText("") + " " + n.path("text").asText(""),
                        Field.Store.NO));
                w.addDocument(doc);
            }
        }
    }

    private static Query query(Analyzer analyzer, String text, boolean unique) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (TokenStream ts = analyzer.tokenStream("body", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                counts.merge(term.toString(), 1, Integer::sum);
            }
            ts.end();
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        counts.forEach((t, n) -> {
            Query tq = new TermQuery(new Term("body", t));
            b.add(unique || n == 1 ? tq : new BoostQuery(tq, n), BooleanClause.Occur.SHOULD);
        });
        return b.build();
    }

    private static Analyzer analyzer(String spec) {
        if (spec.equals("tartan")) {
            return TextIndexSchema.analyzer();
        }
        String[] p = spec.split("/");
        if (p.length != 3) {
            throw new IllegalArgumentException("analyzer must be 'tartan' or TOKENIZER/STOP/STEM, got " + spec);
        }
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer t = p[0].equals("regex") ? new PatternTokenizer(WORD, 0) : new StandardTokenizer();
                TokenStream s = new LowerCaseFilter(t);
                if (p[0].equals("stdpos")) {
                    s = new EnglishPossessiveFilter(s);
                }
                if (p[1].equals("lucene")) {
                    s = new StopFilter(s, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
                }
                s = switch (p[2]) {
                    case "porter" -> new PorterStemFilter(s);
                    case "snowball" -> new SnowballFilter(s, new EnglishStemmer());
                    case "kstem" -> new KStemFilter(s);
                    case "minimal" -> new EnglishMinimalStemFilter(s);
                    case "none" -> s;
                    default -> throw new IllegalArgumentException("unknown stemmer " + p[2]);
                };
                return new TokenStreamComponents(t, s);
            }
        };
    }
}
