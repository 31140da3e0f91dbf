package io.tartan.query.search;

import java.util.Arrays;

/**
 * The best {@code capacity} (score, row) pairs seen, as a min-heap on score; ties go to the smaller row so results
 * are deterministic whatever the visiting order.
 */
public final class TopK {
    private float[] scores;
    private int[] rows;
    private int cap;
    private int size;

    public TopK(int capacity) {
        scores = new float[Math.max(1, capacity)];
        rows = new int[scores.length];
        cap = scores.length;
    }

    /** Empties the heap; from now on it keeps the best {@code capacity} entries. */
    public TopK reset(int capacity) {
        if (capacity > scores.length) {
            scores = new float[capacity];
            rows = new int[capacity];
        }
        cap = Math.max(1, capacity);
        size = 0;
        return this;
    }

    public int size() {
        return size;
    }

    private boolean worse(float s1, int r1, float s2, int r2) {
        return s1 < s2 || (s1 == s2 && r1 > r2);
    }

    /** Offers an entry; returns whether it is now among the best {@code capacity} (it may be pushed out later). */
    public boolean offer(int row, float score) {
        if (size < cap) {
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (!worse(score, row, scores[p], rows[p])) {
                    break;
                }
                scores[i] = scores[p];
                rows[i] = rows[p];
                i = p;
            }
            scores[i] = score;
            rows[i] = row;
            return true;
        } else if (worse(scores[0], rows[0], score, row)) {
            siftDown(row, score);
            return true;
        }
        return false;
    }

    private void siftDown(int row, float score) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                break;
            }
            int c = l + 1 < size && worse(scores[l + 1], rows[l + 1], scores[l], rows[l]) ? l + 1 : l;
            if (!worse(scores[c], rows[c], score, row)) {
                break;
            }
            scores[i] = scores[c];
            rows[i] = rows[c];
            i = c;
        }
        scores[i] = score;
        rows[i] = row;
    }

    /** Rows best first; {@code outScores} (if not null) receives their scores. */
    public int[] sortedRows(float[] outScores) {
        Integer[] idx = new Integer[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> worse(scores[a], rows[a], scores[b], rows[b]) ? 1
                : worse(scores[b], rows[b], scores[a], rows[a]) ? -1 : 0);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = rows[idx[i]];
            if (outScores != null) {
                outScores[i] = scores[idx[i]];
            }
        }
        return out;
    }

    /** Rows in heap order (unsorted), for feeding the next stage. */
    public int copyRows(int[] out) {
        System.arraycopy(rows, 0, out, 0, size);
        return size;
    }

    /** Scores in heap order, matching {@link #copyRows}. */
    public int copyScores(float[] out) {
        System.arraycopy(scores, 0, out, 0, size);
        return size;
    }
}
