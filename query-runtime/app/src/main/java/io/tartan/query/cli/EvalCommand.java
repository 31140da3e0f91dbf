package io.tartan.query.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.encoders.TokenEncoder;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.eval.EvalQuery;
import io.tartan.query.eval.EvalReport;
import io.tartan.query.eval.Evaluator;
import io.tartan.query.eval.FloatCorpusRanker;
import io.tartan.query.eval.Qrels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tartan eval}: runs a query set with relevance judgements against an index and reports nDCG@10 (graded
 * gains), MRR@10, Recall@100 and query latency p50/p95. With {@code --exhaustive} (alias {@code --exact}) the same
 * for exhaustive exact MaxSim over the index — every live document, decompressed from the index — plus recall@10 of
 * the search against it; with {@code --exact-float} for exact MaxSim over uncompressed float vectors re-encoded from
 * {@code --corpus}, which measures what compression costs. Queries without any judgement are skipped and counted, as
 * trec_eval does.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a Tartan index against relevance judgements.")
public final class EvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    IndexSource source;

    @Option(names = "--queries", required = true,
            description = "JSONL: {\"_id\"|\"id\"|\"qid\", \"text\"|\"query\"} or {\"qid\", \"vectors\": [[…]…]} per line")
    Path queries;

    @Option(names = "--qrels", required = true, description = "judgements: BEIR TSV (query_id doc_id score) or TREC qrels; grades are nDCG gains")
    Path qrels;

    @Option(names = "-k", defaultValue = "10", description = "k of the timed search nDCG@10 and MRR@10 are read from (default 10)")
    int k;

    @Option(names = {"--exhaustive", "--exact"}, description = "also evaluate exhaustive exact MaxSim over the index: "
            + "every live document, decompressed from the index (the ceiling of any search on it; JSON key \"exact\")")
    boolean exact;

    @Option(names = "--exact-float", description = "also evaluate exact MaxSim over uncompressed float vectors: "
            + "re-encodes every document of --corpus with the index's encoder (as long as encoding the corpus); "
            + "against --exhaustive it measures the compression loss (JSON key \"exact_float\")")
    boolean exactFloat;

    @Option(names = "--corpus", paramLabel = "CORPUS.jsonl",
            description = "the corpus the index was built from ({\"id\", \"title\", \"text\"} per line), for --exact-float")
    Path corpus;

    @Option(names = "--compare", split = ",", paramLabel = "MODE",
            description = "also evaluate these modes side by side, e.g. bm25,rerank,hybrid (BM25 from the index's own "
                    + "text indexes)")
    List<String> compare = new ArrayList<>();

    @Option(names = "--json", paramLabel = "OUT", description = "write the figures as JSON to this file")
    Path jsonOut;

    @Mixin
    SearchOptions search;

    PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (for tests). */
    public static int run(String... args) {
        return Cli.execute("eval", new EvalCommand(), args);
    }

    @Override
    public Integer call() throws IOException {
        if (exactFloat && corpus == null) {
            throw new IllegalArgumentException("--exact-float needs --corpus CORPUS.jsonl (the documents to encode again)");
        }
        if (corpus != null && !exactFloat) {
            throw new IllegalArgumentException("--corpus is only read by --exact-float");
        }
        if (corpus != null && !Files.isRegularFile(corpus)) {
            throw new IllegalArgumentException("--corpus " + corpus + ": no such file");
        }
        Qrels judgements = Qrels.read(qrels);
        try (TartanIndex idx = source.open()) {
            List<String> rejects = new ArrayList<>();
            List<EvalQuery> qs = EvalQuery.readJsonl(queries, idx.snapshot().dim(), rejects::add);
            rejects.forEach(r -> System.err.println("tartan eval: skipped " + r));
            if (qs.stream().anyMatch(q -> q.vectors() == null)) {
                source.useModel(idx);
            }
            Evaluator evaluator = new Evaluator(idx, judgements, k, search.params(), exact)
                    .compare(compare.stream().map(SearchParams.Mode::parse).toList());
            EvalReport report;
            if (exactFloat) {
                IndexSettings settings = idx.snapshot().manifest().settings();
                try (TokenEncoder docs = FloatCorpusRanker.documentEncoder(source.access.modelConfig, settings)) {
                    report = evaluator.withExactFloat(new FloatCorpusRanker(docs, idx.snapshot()), corpus)
                            .run(qs, rejects.size());
                }
            } else {
                report = evaluator.run(qs, rejects.size());
            }
            out.print(report.toText());
            if (jsonOut != null) {
                Files.writeString(jsonOut, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()) + "\n");
            }
        }
        return 0;
    }
}
