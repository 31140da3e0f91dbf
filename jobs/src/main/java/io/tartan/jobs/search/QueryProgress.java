package io.tartan.jobs.search;

import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the search's progress from the driver every {@code everySeconds}: searches done of the total, the rate and an
 * ETA ({@code search: 12000/50000 queries in 61 s (197/s), ETA 193 s}). The count is a Spark accumulator, which
 * reaches the driver as tasks finish, so the figure moves in steps of one block of queries.
 */
final class QueryProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryProgress.class);

    private final Thread thread;

    /**
     * @param total searches to do (queries × index partitions)
     * @param what  what one search is, as the line names it ({@code queries}, {@code query-partition searches})
     */
    QueryProgress(LongAccumulator done, long total, String what, double everySeconds) {
        long start = System.nanoTime();
        long sleep = Math.max(10, (long) (everySeconds * 1000));
        thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(sleep);
                    log(done.value(), total, what, (System.nanoTime() - start) / 1e9);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tartan-search-progress");
        thread.setDaemon(true);
        thread.start();
    }

    static void log(long done, long total, String what, double elapsed) {
        double rate = done / Math.max(elapsed, 1e-9);
        String eta = done == 0 ? "unknown" : String.format("%.0f s", (total - done) / rate);
        LOG.info("search: {}/{} {} in {} s ({}/s), ETA {}", done, total, what, String.format("%.0f", elapsed),
                String.format("%.0f", rate), eta);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
