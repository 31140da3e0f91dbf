package io.tartan.format.ivf;

import java.util.Arrays;

/**
 * The inverted file: for each centroid, the sorted unique pids of documents having at least one token assigned to it
 * (PLAID's {@code ivf}). In memory as one CSR pair: {@code offsets[k+1]} into one {@code pids} array.
 */
public final class Ivf {
    private final int numCentroids;
    private final long[] offsets;
    private final int[] pids;

    Ivf(int numCentroids, long[] offsets, int[] pids) {
        this.numCentroids = numCentroids;
        this.offsets = offsets;
        this.pids = pids;
    }

    /**
     * Builds from per-centroid lists; each list must be sorted ascending with no duplicates.
     *
     * @throws IllegalArgumentException if a list is unsorted or has duplicates
     */
    public static Ivf fromLists(int[][] lists) {
        long[] offsets = new long[lists.length + 1];
        for (int c = 0; c < lists.length; c++) {
            int[] l = lists[c] == null ? new int[0] : lists[c];
            for (int i = 1; i < l.length; i++) {
                if (l[i] <= l[i - 1]) {
                    throw new IllegalArgumentException("IVF list of centroid " + c + " is not strictly ascending at " + i);
                }
            }
            offsets[c + 1] = offsets[c] + l.length;
        }
        int[] pids = new int[Math.toIntExact(offsets[lists.length])];
        for (int c = 0; c < lists.length; c++) {
            if (lists[c] != null) {
                System.arraycopy(lists[c], 0, pids, (int) offsets[c], lists[c].length);
            }
        }
        return new Ivf(lists.length, offsets, pids);
    }

    /** Union of several IVFs over the same centroids (a base plus the deltas of later appends). */
    public static Ivf union(Ivf... parts) {
        if (parts.length == 1) {
            return parts[0];
        }
        int k = parts[0].numCentroids;
        int[][] lists = new int[k][];
        for (int c = 0; c < k; c++) {
            int total = 0;
            for (Ivf p : parts) {
                if (p.numCentroids != k) {
                    throw new IllegalArgumentException("IVFs over " + k + " and " + p.numCentroids + " centroids");
                }
                total += p.size(c);
            }
            int[] merged = new int[total];
            int n = 0;
            for (Ivf p : parts) {
                System.arraycopy(p.pids, (int) p.offsets[c], merged, n, p.size(c));
                n += p.size(c);
            }
            Arrays.sort(merged);
            int u = 0;
            for (int i = 0; i < n; i++) {
                if (u == 0 || merged[i] != merged[u - 1]) {
                    merged[u++] = merged[i];
                }
            }
            lists[c] = Arrays.copyOf(merged, u);
        }
        return fromLists(lists);
    }

    public int numCentroids() {
        return numCentroids;
    }

    /** Total number of (centroid, pid) entries. */
    public long numEntries() {
        return offsets[numCentroids];
    }

    public int size(int centroid) {
        return (int) (offsets[centroid + 1] - offsets[centroid]);
    }

    /** Start of centroid {@code c}'s list in {@link #pids()}. */
    public int start(int centroid) {
        return (int) offsets[centroid];
    }

    /** All lists back to back; callers must not modify it. */
    public int[] pids() {
        return pids;
    }

    public int[] list(int centroid) {
        return Arrays.copyOfRange(pids, start(centroid), start(centroid) + size(centroid));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ivf other && numCentroids == other.numCentroids && Arrays.equals(offsets, other.offsets)
                && Arrays.equals(pids, other.pids);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(offsets) + Arrays.hashCode(pids);
    }
}
