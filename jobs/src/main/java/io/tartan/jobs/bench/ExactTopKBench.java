package io.tartan.jobs.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tartan bench exact-topk --data DIR}: the brute-force MaxSim top-k of a gen_synth.py data set, written as its
 * {@code exact_top10.tsv}. For sets where gen_synth.py's own numpy brute force ({@code --exact}) is too slow: at 10×
 * (200,000 documents) it needs hours on two cores.
 */
@Command(name = "exact-topk", mixinStandardHelpOptions = true,
        description = "Brute-force MaxSim top-k of a gen_synth.py data set (its exact_top10.tsv).")
final class ExactTopKBench implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "gen_synth.py output: docs.npy, doclens.npy, queries.npy")
    Path data;

    @Option(names = "-k", defaultValue = "10", description = "results per query (default 10)")
    int k;

    @Option(names = "--threads", description = "scoring threads (default: available processors)")
    Integer threads;

    @Option(names = "--out", description = "output file (default DIR/exact_top<k>.tsv)")
    Path out;

    @Override
    public Integer call() {
        if (k < 1) {
            throw new IllegalArgumentException("-k must be at least 1, got " + k);
        }
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + t);
        }
        Path file = out != null ? out : data.resolve("exact_top" + k + ".tsv");
        ExactTopK exact = ExactTopK.open(data);
        long start = System.nanoTime();
        List<ExactTopK.TopK> top = exact.run(k, t);
        ExactTopK.write(top, file);
        System.out.printf(Locale.ROOT, "exact top-%d of %d queries in %.1f s on %d threads: %s%n", k, exact.queries(),
                (System.nanoTime() - start) / 1e9, t, file);
        return 0;
    }
}
