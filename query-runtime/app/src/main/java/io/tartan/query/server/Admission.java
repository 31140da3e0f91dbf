package io.tartan.query.server;

import org.eclipse.jetty.util.thread.Scheduler;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Lets fully read requests onto the search workers: up to {@code threads + queue} at once (running or queued); one
 * beyond that waits, holding no thread, in arrival order for up to {@code queue_wait_ms} and is rejected (503) if no
 * place frees up by then.
 *
 * <p>Why not 503 at once: clients that retry at once instead of honouring {@code Retry-After} then get a 503 per
 * round trip, a handful of them make the server answer a thousand 503s a second, those take the CPU from the search
 * threads, and the rare free place goes to whichever request happens to arrive first, seldom a well-behaved one.
 * Waiting requests are paced by the searches themselves (a connection has one request in flight), and the next place
 * goes to the request that has waited longest.
 */
final class Admission {
    private final ExecutorService workers;
    private final int capacity;
    private final long waitMs;
    private final int maxWaiting;
    private final Scheduler scheduler;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int admitted;

    private static final class Waiting {
        final Runnable task;
        final Runnable rejected;
        Scheduler.Task timer;

        Waiting(Runnable task, Runnable rejected) {
            this.task = task;
            this.rejected = rejected;
        }
    }

    /**
     * @param workers    runs admitted tasks; its queue must take every task given (the bound is kept here)
     * @param maxWaiting requests that may wait at once (each holds a connection, so at most the connection limit)
     */
    Admission(ExecutorService workers, int capacity, long waitMs, int maxWaiting, Scheduler scheduler) {
        this.workers = workers;
        this.capacity = capacity;
        this.waitMs = waitMs;
        this.maxWaiting = maxWaiting;
        this.scheduler = scheduler;
    }

    /** Runs {@code task} on a worker now or once a place frees up; else runs {@code rejected} (on the caller's or a timer thread). */
    void submit(Runnable task, Runnable rejected) {
        synchronized (this) {
            if (admitted < capacity && waiting.isEmpty()) {
                admitted++;
                if (start(task)) {
                    return;
                }
            } else if (waitMs > 0 && waiting.size() < maxWaiting) {
                Waiting w = new Waiting(task, rejected);
                waiting.addLast(w);
                w.timer = scheduler.schedule(() -> expire(w), waitMs, TimeUnit.MILLISECONDS);
                return;
            }
        }
        rejected.run();
    }

    /** Requests waiting for a place now. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** Hands the task to the workers, the place going to the next waiting request when it ends; false when shut down. */
    private boolean start(Runnable task) {
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } finally {
                    finished();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            admitted--;
            return false;
        }
    }

    private void finished() {
        Waiting next;
        synchronized (this) {
            next = waiting.pollFirst();
            if (next == null) {
                admitted--;
                return;
            }
            next.timer.cancel();
            // the place passes to the request that waited longest
            if (start(next.task)) {
                return;
            }
        }
        next.rejected.run();
    }

    private void expire(Waiting w) {
        boolean removed;
        synchronized (this) {
            removed = waiting.remove(w);
        }
        if (removed) {
            w.rejected.run();
        }
    }
}
