package io.tartan.query.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.format.bm25.TextIndexSchema;
import io.tartan.query.eval.EvalQuery;
import io.tartan.query.eval.Qrels;
import org.apache.lucene.analysis.Analyzer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/**
 * BM25 on BEIR-layout collections under many configurations (analysis, document fields, query-term weighting, idf,
 * length normalisation, evaluation protocol), to find which one a published BM25 figure was measured with. Every
 * configuration is run on every collection; the configurations are then ranked by their largest nDCG@10 distance
 * from the reference figures and the closest are printed as a markdown table.
 *
 * <p>Arguments are {@code key=value}; lists are comma-separated and every combination is run:
 * <ul>
 * <li>{@code collection=DIR:QRELS:MIN_GRADE:REFERENCE_NDCG10} (repeat the key per collection), e.g.
 * {@code ../shared/data/cranfield:qrels_gain.tsv:1:0.336}</li>
 * <li>{@code analyzers=} chains of {@link AnalysisChains} (default {@code tartan})</li>
 * <li>{@code docs=} {@code body} (title + " " + text, Tartan's), {@code text}, {@code title2} (the title twice, then
 * the text), {@code fieldsT} (title and text as separate fields, combined by dis-max with tie-breaker T: {@code fields0}
 * Elasticsearch's best_fields, {@code fields1} the sum)</li>
 * <li>{@code terms=} {@code weighted} (a term repeated in the query counts that many times: Anserini's bag of words,
 * Tartan's, rank_bm25's loop over query tokens) or {@code unique}</li>
 * <li>{@code idf=} and {@code norm=}: {@link Bm25Ranker.Idf} and {@link Bm25Ranker.Norm}, lower case</li>
 * <li>{@code gains=graded|binary}, {@code queries=judged|all}, {@code self=keep|drop},
 * {@code ties=index|id-desc|id-asc}: {@link EvalProtocol}</li>
 * <li>{@code k1=0.9 b=0.4 top=30 threads=1} (analysis chains run in parallel); {@code out=FILE} also writes every
 * configuration's figures as TSV</li>
 * </ul>
 * With {@code idf=lucene norm=lucene docs=body terms=weighted ties=index} the figures are Lucene's BM25Similarity's
 * (the analysis is the only other variable), so the {@code tartan} row is what Tartan's BM25 mode measures.
 */
public final class Bm25Variants {
    private record Collection(String label, List<String> docIds, List<String> titles, List<String> texts,
                              List<EvalQuery> queries, Qrels qrels, int minGrade, double reference) {
    }

    private record Retrieval(String analyzer, String docs, String terms, Bm25Ranker.Idf idf, Bm25Ranker.Norm norm) {
        String name() {
            return analyzer + " " + docs + " " + terms + " idf-" + idf.name().toLowerCase(Locale.ROOT) + " norm-"
                    + norm.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The axes every analysis chain is run under. */
    private record Grid(double k1, double b, List<String> docs, List<String> terms, List<Bm25Ranker.Idf> idfs,
                        List<Bm25Ranker.Norm> norms, List<EvalProtocol.Ties> ties, List<Boolean> graded,
                        List<Boolean> allQueries, List<Boolean> dropSelf) {
    }

    private static final int RUN_DEPTH = 101;

    public static void main(String[] args) throws IOException {
        Map<String, List<String>> opt = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value, got " + a);
            }
            opt.computeIfAbsent(a.substring(0, eq), k -> new ArrayList<>()).add(a.substring(eq + 1));
        }
        List<Collection> collections = new ArrayList<>();
        for (String spec : opt.getOrDefault("collection", List.of())) {
            collections.add(load(spec));
        }
        if (collections.isEmpty()) {
            throw new IllegalArgumentException("give at least one collection=DIR:QRELS:MIN_GRADE:REFERENCE_NDCG10");
        }
        Grid grid = new Grid(
                Double.parseDouble(one(opt, "k1", String.valueOf(TextIndexSchema.K1))),
                Double.parseDouble(one(opt, "b", String.valueOf(TextIndexSchema.B))),
                list(opt, "docs", "body"),
                list(opt, "terms", "weighted"),
                list(opt, "idf", "lucene").stream().map(s -> Bm25Ranker.Idf.valueOf(s.toUpperCase(Locale.ROOT))).toList(),
                list(opt, "norm", "lucene").stream()
                        .map(s -> Bm25Ranker.Norm.valueOf(s.toUpperCase(Locale.ROOT))).toList(),
                list(opt, "ties", "index").stream()
                        .map(s -> EvalProtocol.Ties.valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'))).toList(),
                list(opt, "gains", "graded").stream().map(s -> choice(s, "graded", "binary")).toList(),
                list(opt, "queries", "judged").stream().map(s -> choice(s, "all", "judged")).toList(),
                list(opt, "self", "keep").stream().map(s -> choice(s, "drop", "keep")).toList());
        int top = Integer.parseInt(one(opt, "top", "30"));
        int threads = Integer.parseInt(one(opt, "threads", "1"));

        // configuration name → one figure set per collection, in collection order
        Map<String, EvalProtocol.Figures[]> results = new ConcurrentHashMap<>();
        PrintWriter tsv = opt.containsKey("out") ? new PrintWriter(Files.newBufferedWriter(Path.of(one(opt, "out", null))))
                : null;
        if (tsv != null) {
            tsv.println("collection\tretrieval\tevaluation\tndcg10\tmrr10\trecall100");
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> work = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < collections.size(); c++) {
            int ci = c;
            for (String spec : list(opt, "analyzers", "tartan")) {
                work.add(pool.submit(() -> {
                    List<String> lines = run(grid, collections.get(ci), spec, (name, f) -> results.computeIfAbsent(
                            name, k -> new EvalProtocol.Figures[collections.size()])[ci] = f);
                    if (tsv != null) {
                        synchronized (tsv) {
                            lines.forEach(tsv::println);
                        }
                    }
                    System.err.printf(Locale.ROOT, "%.0f s: %s %s%n", (System.nanoTime() - t0) / 1e9,
                            collections.get(ci).label, spec);
                }));
            }
        }
        try {
            for (Future<?> f : work) {
                f.get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        if (tsv != null) {
            tsv.close();
        }
        printClosest(collections, results, top);
    }

    /** Every configuration of the grid under one analysis chain on one collection; returns the TSV lines. */
    private static List<String> run(Grid g, Collection col, String spec,
                                    BiConsumer<String, EvalProtocol.Figures> result) {
        Analyzer analyzer = AnalysisChains.analyzer(spec);
        TermIndex title = TermIndex.analyze(col.titles, analyzer);
        TermIndex text = TermIndex.analyze(col.texts, analyzer);
        List<Map<String, Integer>> queryTerms = new ArrayList<>();
        for (EvalQuery q : col.queries) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            AnalysisChains.tokens(analyzer, q.text()).forEach(t -> counts.merge(t, 1, Integer::sum));
            queryTerms.add(counts);
        }
        List<String> queryIds = col.queries.stream().map(EvalQuery::id).toList();
        List<String> lines = new ArrayList<>();
        for (String d : g.docs) {
            List<TermIndex> fields = fields(d, title, text);
            double tie = d.startsWith("fields") ? Double.parseDouble(d.substring("fields".length())) : 0;
            for (String weighting : g.terms) {
                List<Map<String, Integer>> weighted = switch (weighting) {
                    case "unique" -> queryTerms.stream().map(Bm25Variants::once).toList();
                    case "weighted" -> queryTerms;
                    default -> throw new IllegalArgumentException("terms must be weighted or unique, got " + weighting);
                };
                for (Bm25Ranker.Idf idf : g.idfs) {
                    for (Bm25Ranker.Norm norm : g.norms) {
                        Retrieval r = new Retrieval(spec, d, weighting, idf, norm);
                        Bm25Ranker ranker = new Bm25Ranker(g.k1, g.b, idf, norm);
                        List<double[]> scores = new ArrayList<>();
                        for (Map<String, Integer> q : weighted) {
                            scores.add(ranker.score(q, fields, tie));
                        }
                        for (EvalProtocol.Ties tieOrder : g.ties) {
                            List<List<String>> ranked = new ArrayList<>();
                            for (double[] s : scores) {
                                ranked.add(rank(s, col.docIds, tieOrder));
                            }
                            for (boolean graded : g.graded) {
                                for (boolean all : g.allQueries) {
                                    for (boolean self : g.dropSelf) {
                                        EvalProtocol p = new EvalProtocol(graded, col.minGrade, all, self, tieOrder);
                                        EvalProtocol.Figures f = p.evaluate(queryIds, ranked, col.qrels);
                                        result.accept(r.name() + " | " + p.name(), f);
                                        lines.add(String.format(Locale.ROOT, "%s\t%s\t%s\t%.4f\t%.4f\t%.4f",
                                                col.label, r.name(), p.name(), f.ndcg10(), f.mrr10(), f.recall100()));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return lines;
    }

    private static void printClosest(List<Collection> collections, Map<String, EvalProtocol.Figures[]> results,
                                     int top) {
        StringBuilder head = new StringBuilder("| retrieval | evaluation |");
        StringBuilder rule = new StringBuilder("|---|---|");
        StringBuilder ref = new StringBuilder("| reference | |");
        for (Collection c : collections) {
            head.append(' ').append(c.label).append(" nDCG@10 / MRR@10 / R@100 |");
            rule.append("---|");
            ref.append(String.format(Locale.ROOT, " %.3f |", c.reference));
        }
        head.append(" max |ΔnDCG@10| |");
        rule.append("---|");
        ref.append(" |");
        System.out.println(head);
        System.out.println(rule);
        System.out.println(ref);
        List<Map.Entry<String, EvalProtocol.Figures[]>> sorted = new ArrayList<>(results.entrySet());
        sorted.sort(Comparator.comparingDouble(e -> maxDistance(collections, e.getValue())));
        int within = 0;
        for (Map.Entry<String, EvalProtocol.Figures[]> e : sorted) {
            within += maxDistance(collections, e.getValue()) <= 0.01 ? 1 : 0;
        }
        for (Map.Entry<String, EvalProtocol.Figures[]> e : sorted.subList(0, Math.min(top, sorted.size()))) {
            String[] names = e.getKey().split(" \\| ");
            StringBuilder row = new StringBuilder("| " + names[0] + " | " + names[1] + " |");
            for (EvalProtocol.Figures f : e.getValue()) {
                row.append(String.format(Locale.ROOT, " %.3f / %.3f / %.3f |", f.ndcg10(), f.mrr10(), f.recall100()));
            }
            row.append(String.format(Locale.ROOT, " %.3f |", maxDistance(collections, e.getValue())));
            System.out.println(row);
        }
        System.out.printf("%n%d of %d configurations are within 0.01 nDCG@10 of the reference on every collection.%n",
                within, results.size());
    }

    private static double maxDistance(List<Collection> collections, EvalProtocol.Figures[] figures) {
        double max = 0;
        for (int c = 0; c < collections.size(); c++) {
            max = Math.max(max, Math.abs(figures[c].ndcg10() - collections.get(c).reference));
        }
        return max;
    }

    /**
     * The first {@link #RUN_DEPTH} matching documents by score, then by {@code ties}: one more than Recall@100 needs,
     * so that leaving out the query's own id still leaves 100.
     */
    private static List<String> rank(double[] scores, List<String> ids, EvalProtocol.Ties ties) {
        // every document scoring at least the depth-th best score: ties across the cut are then ordered like the rest
        double floor = depthScore(scores);
        List<Integer> head = new ArrayList<>();
        for (int d = 0; d < scores.length; d++) {
            if (scores[d] >= floor) {
                head.add(d);
            }
        }
        Comparator<Integer> byScore = Comparator.comparingDouble((Integer d) -> scores[d]).reversed();
        head.sort(switch (ties) {
            case INDEX -> byScore.thenComparingInt(d -> d);
            case ID_DESC -> byScore.thenComparing((Integer d) -> ids.get(d), Comparator.reverseOrder());
            case ID_ASC -> byScore.thenComparing((Integer d) -> ids.get(d));
        });
        return head.subList(0, Math.min(RUN_DEPTH, head.size())).stream().map(ids::get).toList();
    }

    /** The {@link #RUN_DEPTH}-th best score (a min-heap of the best so far), or the lowest when fewer matched. */
    private static double depthScore(double[] scores) {
        double[] heap = new double[RUN_DEPTH];
        int n = 0;
        for (double s : scores) {
            if (Double.isNaN(s)) {
                continue;
            }
            if (n < RUN_DEPTH) {
                int i = n++;
                heap[i] = s;
                while (i > 0 && heap[(i - 1) / 2] > heap[i]) {
                    double t = heap[i];
                    heap[i] = heap[(i - 1) / 2];
                    heap[(i - 1) / 2] = t;
                    i = (i - 1) / 2;
                }
            } else if (s > heap[0]) {
                heap[0] = s;
                int i = 0;
                while (true) {
                    int l = 2 * i + 1;
                    int m = l + 1 < n && heap[l + 1] < heap[l] ? l + 1 : l;
                    if (l >= n || heap[i] <= heap[m]) {
                        break;
                    }
                    double t = heap[i];
                    heap[i] = heap[m];
                    heap[m] = t;
                    i = m;
                }
            }
        }
        return n == 0 ? Double.POSITIVE_INFINITY : heap[0];
    }

    private static List<TermIndex> fields(String docs, TermIndex title, TermIndex text) {
        return switch (docs) {
            case "body" -> List.of(TermIndex.concat(new TermIndex[] {title, text}, new int[] {1, 1}));
            case "text" -> List.of(text);
            case "title2" -> List.of(TermIndex.concat(new TermIndex[] {title, text}, new int[] {2, 1}));
            default -> {
                if (!docs.startsWith("fields")) {
                    throw new IllegalArgumentException("docs must be body, text, title2 or fieldsT, got " + docs);
                }
                yield List.of(title, text);
            }
        };
    }

    private static Map<String, Integer> once(Map<String, Integer> counts) {
        Map<String, Integer> m = new LinkedHashMap<>();
        counts.keySet().forEach(t -> m.put(t, 1));
        return m;
    }

    private static Collection load(String spec) throws IOException {
        String[] p = spec.split(":");
        if (p.length != 4) {
            throw new IllegalArgumentException("collection must be DIR:QRELS:MIN_GRADE:REFERENCE_NDCG10, got " + spec);
        }
        Path dir = Path.of(p[0]);
        ObjectMapper json = new ObjectMapper();
        List<String> ids = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("corpus.jsonl"))) {
            JsonNode n = json.readTree(line);
            ids.add(n.get("id").asText());
            titles.add(n.path("title").asText(""));
            texts.add(n.path("text").asText(""));
        }
        int minGrade = Integer.parseInt(p[2]);
        String label = dir.getFileName() + (p[1].equals("qrels.tsv") ? "" : " " + p[1])
                + (minGrade == 1 ? "" : " ≥" + minGrade);
        return new Collection(label, ids, titles, texts,
                EvalQuery.readJsonl(dir.resolve("queries.jsonl"), 0, System.err::println),
                Qrels.read(dir.resolve(p[1])), minGrade, Double.parseDouble(p[3]));
    }

    private static String one(Map<String, List<String>> opt, String key, String dflt) {
        List<String> v = opt.get(key);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    private static List<String> list(Map<String, List<String>> opt, String key, String dflt) {
        return Arrays.asList(one(opt, key, dflt).split(","));
    }

    private static boolean choice(String value, String yes, String no) {
        if (!value.equals(yes) && !value.equals(no)) {
            throw new IllegalArgumentException("expected " + yes + " or " + no + ", got " + value);
        }
        return value.equals(yes);
    }
}
