package io.tartan.jobs.maintenance;

import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A thread that serves queries from a {@link TartanIndex} and hot-reloads it between queries, the way the HTTP server
 * does, recording every failure and which snapshot version answered what.
 */
public final class ServingReader implements AutoCloseable {
    /** One answered query: the version that served it and the pids it returned. */
    public record Served(long version, List<Long> pids) {
    }

    private final TartanIndex index;
    private final List<float[]> queries;
    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong answered = new AtomicLong();
    public final List<Served> served = new CopyOnWriteArrayList<>();
    public final List<Throwable> queryFailures = new CopyOnWriteArrayList<>();
    /** Reloads that failed (a snapshot expired while it loaded); the reader keeps serving the one it has. */
    public final List<Throwable> reloadFailures = new CopyOnWriteArrayList<>();

    public ServingReader(TartanIndex index, List<float[]> queries) {
        this.index = index;
        this.queries = queries;
        this.thread = new Thread(this::loop, "serving-reader");
        thread.start();
    }

    private void loop() {
        int i = 0;
        while (!stop.get()) {
            try {
                index.refresh();
            } catch (RuntimeException e) {
                reloadFailures.add(e);
            }
            try {
                SearchResult r = index.search(queries.get(i++ % queries.size()), 10, SearchParams.defaults());
                served.add(new Served(r.version(), r.hits().stream().map(SearchHit::pid).toList()));
                answered.incrementAndGet();
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                queryFailures.add(e);
            }
        }
    }

    /** Waits until the reader serves {@code version} and has answered at least {@code minQueries}, then stops it. */
    public void finishAt(long version, long minQueries) throws InterruptedException {
        while (index.snapshot().version() < version || answered.get() < minQueries) {
            Thread.sleep(10);
        }
        close();
    }

    public long answered() {
        return answered.get();
    }

    /** No query failed, and no answer holds a pid deleted in the version that served it. */
    public void assertNoFailureAndNoDeletedPid(Map<Long, Set<Integer>> deletedPidsAt) {
        assertEquals(List.of(), queryFailures, "no query failed");
        for (Served s : served) {
            Set<Integer> gone = deletedPidsAt.get(s.version());
            assertNotNull(gone, "deleted pids of v" + s.version() + " not recorded");
            for (long pid : s.pids()) {
                assertFalse(gone.contains((int) pid), "v" + s.version() + " returned deleted pid " + pid);
            }
        }
    }

    @Override
    public void close() {
        stop.set(true);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
