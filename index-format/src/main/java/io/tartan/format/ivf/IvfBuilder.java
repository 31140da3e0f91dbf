package io.tartan.format.ivf;

import java.util.Arrays;

/** Collects (centroid, pid) pairs in any order, with repeats, and builds the {@link Ivf}. */
public final class IvfBuilder {
    private final int numCentroids;
    private long[] pairs = new long[1024];
    private int size;

    public IvfBuilder(int numCentroids) {
        this.numCentroids = numCentroids;
    }

    public void add(int centroid, int pid) {
        if (centroid < 0 || centroid >= numCentroids) {
            throw new IllegalArgumentException("centroid " + centroid + " out of range [0, " + numCentroids + ")");
        }
        if (pid < 0) {
            throw new IllegalArgumentException("negative pid " + pid);
        }
        if (size == pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[size++] = ((long) centroid << 32) | pid;
    }

    /** Adds every token of one document. */
    public void addDocument(int pid, int[] codes) {
        for (int c : codes) {
            add(c, pid);
        }
    }

    public Ivf build() {
        long[] sorted = Arrays.copyOf(pairs, size);
        Arrays.sort(sorted);
        long[] offsets = new long[numCentroids + 1];
        int[] pids = new int[size];
        int n = 0;
        long prev = -1;
        for (long p : sorted) {
            if (p == prev) {
                continue;
            }
            prev = p;
            offsets[(int) (p >>> 32) + 1]++;
            pids[n++] = (int) p;
        }
        for (int c = 0; c < numCentroids; c++) {
            offsets[c + 1] += offsets[c];
        }
        return new Ivf(numCentroids, offsets, Arrays.copyOf(pids, n));
    }
}
