package io.tartan.query.bench;

import io.tartan.query.OpenOptions;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import io.tartan.query.cli.NpyArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * FAST recall@10 (against exact_top10.tsv), mean candidates and p50 for a grid of ncells × ndocs, for choosing
 * defaults that hold across index sizes. Usage: {@code RecallSweep INDEX SYNTH ncells,ncells,… ndocs,ndocs,…}.
 */
public final class RecallSweep {
    public static void main(String[] args) throws Exception {
        Path synth = Path.of(args[1]);
        NpyArray qnpy = NpyArray.read(synth.resolve("queries.npy"));
        int nq = (int) qnpy.shape()[0];
        int per = (int) (qnpy.shape()[1] * qnpy.shape()[2]);
        List<Set<String>> exact = new ArrayList<>();
        for (int i = 0; i < nq; i++) {
            exact.add(new HashSet<>());
        }
        for (String line : Files.readAllLines(synth.resolve("exact_top10.tsv"))) {
            String[] f = line.split("\t");
            exact.get(Integer.parseInt(f[0])).add(f[1]);
        }
        try (TartanIndex idx = TartanIndex.open(args[0], OpenOptions.defaults())) {
            System.out.printf("# %s: %d docs, %d centroids%n", args[0], idx.snapshot().numDocs(),
                    idx.snapshot().numCentroids());
            System.out.println("| keep | ncells | ndocs | recall@10 | candidates | p50 ms |");
            for (String keep : (args.length > 4 ? args[4] : "0").split(",")) {
            System.setProperty("tartan.fastKeep", keep);
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
                        float[] q = Arrays.copyOfRange(qnpy.floats(), i * per, (i + 1) * per);
                        long t = System.nanoTime();
                        SearchResult r = idx.search(q, 10, p);
                        lat[i] = (System.nanoTime() - t) / 1e6;
                        for (SearchHit h : r.hits()) {
                            if (exact.get(i).contains(h.docId())) {
                                hits++;
                            }
                        }
                        cands += r.candidates();
                    }
                    Arrays.sort(lat);
                    System.out.printf("| %s | %s | %s | %.3f | %.0f | %.2f |%n", keep, nc, nd, hits / (10.0 * nq), cands / nq,
                            lat[nq / 2]);
                }
            }
            }
        }
    }
}
