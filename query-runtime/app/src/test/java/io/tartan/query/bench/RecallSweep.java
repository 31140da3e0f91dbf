package io.tartan.query.bench;

import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * FAST recall@10 (against exact_top10.tsv), mean candidates and p50 for a grid of ncells × ndocs, for choosing
 * defaults that hold across index sizes. Usage: {@code RecallSweep INDEX SYNTH ncells,ncells,… ndocs,ndocs,…}
 * ({@code d}: the default for the index).
 */
public final class RecallSweep {
    public static void main(String[] args) throws Exception {
        SynthQueries queries = SynthQueries.read(Path.of(args[1]));
        int nq = queries.size();
        try (TartanIndex idx = TartanIndex.open(args[0], OpenOptions.defaults())) {
            System.out.printf("# %s: %d docs, %d centroids%n", args[0], idx.snapshot().numDocs(),
                    idx.snapshot().numCentroids());
            System.out.println("| ncells | ndocs | recall@10 | candidates | p50 ms |");
            System.out.println("|---|---|---|---|---|");
            for (String nc : args[2].split(",")) {
                for (String nd : args[3].split(",")) {
                    SearchParams p = SearchParams.defaults();
                    if (!"d".equals(nc)) {
                        p = p.withNcells(Integer.parseInt(nc));
                    }
                    if (!"d".equals(nd)) {
                        p = p.withNdocs(Integer.parseInt(nd));
                    }
                    double hits = 0;
                    double cands = 0;
                    double[] lat = new double[nq];
                    for (int i = 0; i < nq; i++) {
                        long t = System.nanoTime();
                        SearchResult r = idx.search(queries.vectors(i), 10, p);
                        lat[i] = (System.nanoTime() - t) / 1e6;
                        hits += queries.hits(i, r);
                        cands += r.candidates();
                    }
                    Arrays.sort(lat);
                    System.out.printf("| %s | %s | %.3f | %.0f | %.2f |%n", nc, nd, hits / (10.0 * nq), cands / nq,
                            lat[nq / 2]);
                }
            }
        }
    }
}
