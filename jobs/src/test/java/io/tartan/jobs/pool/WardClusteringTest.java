package io.tartan.jobs.pool;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class WardClusteringTest {

    @Test
    void matchesGreedyWardOnRandomPoints() {
        WardClustering ward = new WardClustering();
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            int n = 5 + r.nextInt(60);
            int dim = 1 + r.nextInt(6);
            double[][] x = new double[n][dim];
            for (double[] row : x) {
                for (int d = 0; d < dim; d++) {
                    row[d] = r.nextGaussian();
                }
            }
            for (int k : new int[] {1, 2, n / 3 + 1, n / 2, n - 1}) {
                int[] got = ward.cluster(squaredDistances(x), n, k);
                assertArrayEquals(greedyWard(x, k), got, "seed " + seed + ", n " + n + ", k " + k);
            }
        }
    }

    @Test
    void kAtLeastNKeepsEveryPoint() {
        assertArrayEquals(new int[] {0, 1, 2}, new WardClustering().cluster(new double[9], 3, 3));
    }

    private static double[] squaredDistances(double[][] x) {
        int n = x.length;
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < x[i].length; c++) {
                    s += (x[i][c] - x[j][c]) * (x[i][c] - x[j][c]);
                }
                d[i * n + j] = s;
            }
        }
        return d;
    }

    /** Textbook Ward: repeatedly merge the pair whose union adds least to the within-cluster sum of squares. */
    private static int[] greedyWard(double[][] x, int k) {
        List<List<Integer>> clusters = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            clusters.add(new ArrayList<>(List.of(i)));
        }
        while (clusters.size() > k) {
            int bi = -1;
            int bj = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < clusters.size(); i++) {
                for (int j = i + 1; j < clusters.size(); j++) {
                    double cost = sseIncrease(x, clusters.get(i), clusters.get(j));
                    if (cost < best) {
                        best = cost;
                        bi = i;
                        bj = j;
                    }
                }
            }
            clusters.get(bi).addAll(clusters.remove(bj));
        }
        int[] labels = new int[x.length];
        int[] labelOfCluster = new int[clusters.size()];
        java.util.Arrays.fill(labelOfCluster, -1);
        int next = 0;
        for (int p = 0; p < x.length; p++) {
            for (int c = 0; c < clusters.size(); c++) {
                if (clusters.get(c).contains(p)) {
                    if (labelOfCluster[c] < 0) {
                        labelOfCluster[c] = next++;
                    }
                    labels[p] = labelOfCluster[c];
                }
            }
        }
        return labels;
    }

    private static double sseIncrease(double[][] x, List<Integer> a, List<Integer> b) {
        int dim = x[0].length;
        double[] ca = centroid(x, a, dim);
        double[] cb = centroid(x, b, dim);
        double s = 0;
        for (int d = 0; d < dim; d++) {
            s += (ca[d] - cb[d]) * (ca[d] - cb[d]);
        }
        return a.size() * b.size() / (double) (a.size() + b.size()) * s;
    }

    private static double[] centroid(double[][] x, List<Integer> members, int dim) {
        double[] c = new double[dim];
        for (int p : members) {
            for (int d = 0; d < dim; d++) {
                c[d] += x[p][d] / members.size();
            }
        }
        return c;
    }
}
