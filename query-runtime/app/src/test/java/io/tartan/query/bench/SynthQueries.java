package io.tartan.query.bench;

import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;
import io.tartan.query.cli.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The queries of a synthetic set ({@code queries.npy}, {@code [n × qlen × dim]}) and their exact top-10 document ids
 * ({@code exact_top10.tsv}: query index, document id, …), as the benchmarks read them.
 */
public final class SynthQueries {
    private final float[][] vectors;
    private final List<Set<String>> exact;

    private SynthQueries(float[][] vectors, List<Set<String>> exact) {
        this.vectors = vectors;
        this.exact = exact;
    }

    public static SynthQueries read(Path synthDir) throws IOException {
        NpyArray npy = NpyArray.read(synthDir.resolve("queries.npy"));
        long[] shape = npy.shape();
        int n = (int) shape[0];
        int per = (int) (shape[1] * shape[2]);
        float[][] vectors = new float[n][];
        List<Set<String>> exact = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            vectors[i] = Arrays.copyOfRange(npy.floats(), i * per, (i + 1) * per);
            exact.add(new HashSet<>());
        }
        for (String line : Files.readAllLines(synthDir.resolve("exact_top10.tsv"))) {
            String[] f = line.split("\t");
            exact.get(Integer.parseInt(f[0])).add(f[1]);
        }
        return new SynthQueries(vectors, exact);
    }

    public int size() {
        return vectors.length;
    }

    /** Query {@code i}'s token vectors, row-major. */
    public float[] vectors(int i) {
        return vectors[i];
    }

    public float[][] all() {
        return vectors;
    }

    /** Whether {@code docId} is among query {@code i}'s exact top 10. */
    public boolean isExactTop10(int i, String docId) {
        return exact.get(i).contains(docId);
    }

    /** How many of a result's hits are among query {@code i}'s exact top 10. */
    public int hits(int i, SearchResult r) {
        int n = 0;
        for (SearchHit h : r.hits()) {
            if (isExactTop10(i, h.docId())) {
                n++;
            }
        }
        return n;
    }
}
