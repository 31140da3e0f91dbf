package io.tartan.jobs.pool;

import java.util.Arrays;

/**
 * Ward agglomerative clustering of a few hundred points, cut into at most {@code k} flat clusters: the
 * {@code linkage(method="ward")} + {@code fcluster(criterion="maxclust")} pair of scipy that ColBERT's and PyLate's
 * token pooling call.
 *
 * <p>The dendrogram is built with the nearest-neighbour chain (Müllner 2011, "Modern hierarchical, agglomerative
 * clustering algorithms"), O(n²) time on top of the distances and O(n²) memory, with the Lance–Williams update for Ward
 * on squared Euclidean distances. On ties the chain prefers its previous element, then the lowest index, so the result
 * depends only on the input. The cut follows {@code maxclust}: it applies every merge up to the height of the
 * {@code (n-k)}-th lowest one, so merges tied at that height all happen and fewer than {@code k} clusters may remain
 * (points at distance 0 always end in one cluster).
 *
 * <p>Not thread-safe: the scratch arrays are reused from call to call.
 */
final class WardClustering {
    private int[] size = new int[0];
    private boolean[] active = new boolean[0];
    private int[] chain = new int[0];
    private double[] height = new double[0];
    private int[] mergeA = new int[0];
    private int[] mergeB = new int[0];
    private double[] mergeHeight = new double[0];
    private int[] parent = new int[0];

    /**
     * Flat cluster labels {@code 0..c-1} ({@code c ≤ k}), numbered in order of each cluster's first point.
     *
     * @param d squared Euclidean distances, {@code n × n} row-major, symmetric; overwritten
     */
    int[] cluster(double[] d, int n, int k) {
        int[] labels = new int[n];
        if (k >= n) {
            Arrays.setAll(labels, i -> i);
            return labels;
        }
        ensure(n);
        buildDendrogram(d, n);
        return cut(n, k, labels);
    }

    private void buildDendrogram(double[] d, int n) {
        Arrays.fill(size, 0, n, 1);
        Arrays.fill(active, 0, n, true);
        Arrays.fill(height, 0, n, 0);
        int top = 0;
        int firstActive = 0;
        for (int step = 0; step < n - 1; step++) {
            if (top == 0) {
                while (!active[firstActive]) {
                    firstActive++;
                }
                chain[top++] = firstActive;
            }
            int a;
            int b;
            while (true) {
                a = chain[top - 1];
                int prev = top >= 2 ? chain[top - 2] : -1;
                int best = prev;
                double bestD = prev >= 0 ? d[a * n + prev] : Double.POSITIVE_INFINITY;
                int row = a * n;
                for (int i = 0; i < n; i++) {
                    if (i != a && active[i] && d[row + i] < bestD) {
                        best = i;
                        bestD = d[row + i];
                    }
                }
                if (best < 0) {
                    // only NaN distances left: merge with any active point rather than loop forever
                    best = otherActive(a, n);
                }
                if (best == prev) {
                    b = prev;
                    top -= 2;
                    break;
                }
                chain[top++] = best;
            }
            merge(d, n, a, b, step);
        }
    }

    private int otherActive(int a, int n) {
        for (int i = 0; i < n; i++) {
            if (active[i] && i != a) {
                return i;
            }
        }
        throw new IllegalStateException("no active point left");
    }

    /** Merges cluster {@code a} into slot {@code b} and updates b's distances (Lance–Williams, Ward). */
    private void merge(double[] d, int n, int a, int b, int step) {
        double dab = d[a * n + b];
        int sa = size[a];
        int sb = size[b];
        for (int i = 0; i < n; i++) {
            if (!active[i] || i == a || i == b) {
                continue;
            }
            int si = size[i];
            double v = ((sa + si) * d[a * n + i] + (sb + si) * d[b * n + i] - si * dab) / (sa + sb + si);
            d[b * n + i] = v;
            d[i * n + b] = v;
        }
        active[a] = false;
        size[b] = sa + sb;
        // Ward never inverts in exact arithmetic; rounding could, so a parent is kept at least as high as its children
        double h = Math.max(dab, Math.max(height[a], height[b]));
        height[b] = h;
        mergeA[step] = a;
        mergeB[step] = b;
        mergeHeight[step] = h;
    }

    private int[] cut(int n, int k, int[] labels) {
        int merges = n - 1;
        Integer[] order = new Integer[merges];
        Arrays.setAll(order, i -> i);
        // stable: a merge tied with its child stays after it
        Arrays.sort(order, (x, y) -> Double.compare(mergeHeight[x], mergeHeight[y]));
        double threshold = mergeHeight[order[n - k - 1]];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int j = 0; j < merges && mergeHeight[order[j]] <= threshold; j++) {
            parent[find(mergeA[order[j]])] = find(mergeB[order[j]]);
        }
        int[] labelOfRoot = new int[n];
        Arrays.fill(labelOfRoot, -1);
        int next = 0;
        for (int i = 0; i < n; i++) {
            int r = find(i);
            if (labelOfRoot[r] < 0) {
                labelOfRoot[r] = next++;
            }
            labels[i] = labelOfRoot[r];
        }
        return labels;
    }

    private int find(int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private void ensure(int n) {
        if (size.length < n) {
            size = new int[n];
            active = new boolean[n];
            chain = new int[n];
            height = new double[n];
            mergeA = new int[n];
            mergeB = new int[n];
            mergeHeight = new double[n];
            parent = new int[n];
        }
    }
}
