package io.tartan.query.text;

import java.util.PriorityQueue;

/** Rows with scores, best first (ties: smaller row first). */
public record Ranked(int[] rows, float[] scores) {
    public int size() {
        return rows.length;
    }

    /** Keeps the best {@code capacity} offered rows. */
    public static final class Builder {
        private final int capacity;
        private final PriorityQueue<long[]> heap;

        public Builder(int capacity) {
            this.capacity = capacity;
            // worst on top: lower score, then larger row
            this.heap = new PriorityQueue<>(Math.max(1, Math.min(capacity, 1024)), (a, b) -> {
                int c = Float.compare(Float.intBitsToFloat((int) a[0]), Float.intBitsToFloat((int) b[0]));
                return c != 0 ? c : Long.compare(b[1], a[1]);
            });
        }

        public void offer(int row, float score) {
            if (capacity <= 0) {
                return;
            }
            long[] e = {Float.floatToRawIntBits(score), row};
            if (heap.size() < capacity) {
                heap.add(e);
            } else if (heap.comparator().compare(e, heap.peek()) > 0) {
                heap.poll();
                heap.add(e);
            }
        }

        public Ranked build() {
            int n = heap.size();
            int[] rows = new int[n];
            float[] scores = new float[n];
            for (int i = n - 1; i >= 0; i--) {
                long[] e = heap.poll();
                rows[i] = (int) e[1];
                scores[i] = Float.intBitsToFloat((int) e[0]);
            }
            return new Ranked(rows, scores);
        }
    }
}
