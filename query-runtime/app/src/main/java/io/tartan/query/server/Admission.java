package io.tartan.query.server;

import org.eclipse.jetty.util.thread.Scheduler;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
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
 *
 * <p>At most {@code threads} tasks run at once. One admitted while fewer run and none is queued runs at once on the
 * thread that submits it (the HTTP thread that read the body), instead of waking a worker to run it: that hand-off
 * and wake-up was a fixed cost of every request (docs/BENCHMARKS.md, "Partitions and the router"). Tasks given to
 * the workers wait for a free place in arrival order.
 */
final class Admission {
    private final ExecutorService workers;
    private final int threads;
    /** Places to run a task, one a search thread; fair, so queued tasks take them in arrival order. */
    private final Semaphore running;
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
     * @param workers    runs admitted tasks that cannot run at once; its queue must take every task given (the bound is
     *                   kept here) and it needs {@code threads} threads
     * @param threads    tasks that may run at once
     * @param capacity   tasks that may be admitted at once, running or queued ({@code threads + queue})
     * @param maxWaiting requests that may wait at once (each holds a connection, so at most the connection limit)
     */
    Admission(ExecutorService workers, int threads, int capacity, long waitMs, int maxWaiting, Scheduler scheduler) {
        this.workers = workers;
        this.threads = threads;
        this.running = new Semaphore(threads, true);
        this.capacity = capacity;
        this.waitMs = waitMs;
        this.maxWaiting = maxWaiting;
        this.scheduler = scheduler;
    }

    /**
     * Runs {@code task} now on the calling thread if a place is free and no task is queued, else on a worker once one
     * is, or, when all places are taken, once one frees up; else runs {@code rejected} (on the caller's or a timer
     * thread).
     */
    void submit(Runnable task, Runnable rejected) {
        Runnable now = rejected;
        synchronized (this) {
            if (admitted < capacity && waiting.isEmpty()) {
                admitted++;
                // inline only when every other admitted task runs: none is queued to be overtaken (and a fair
                // semaphore's timed tryAcquire does not overtake a worker already waiting for a place either)
                if (admitted - 1 == running() && !workers.isShutdown() && tryRun()) {
                    now = () -> run(task);
                } else if (start(task)) {
                    return;
                }
            } else if (waitMs > 0 && waiting.size() < maxWaiting) {
                Waiting w = new Waiting(task, rejected);
                waiting.addLast(w);
                w.timer = scheduler.schedule(() -> expire(w), waitMs, TimeUnit.MILLISECONDS);
                return;
            }
        }
        now.run();
    }

    private boolean tryRun() {
        try {
            return running.tryAcquire(0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs a task holding a place; its admission passes on when it ends. */
    private void run(Runnable task) {
        try {
            task.run();
        } finally {
            running.release();
            finished();
        }
    }

    /** Tasks running now. */
    int running() {
        return threads - running.availablePermits();
    }

    /** Admitted tasks not yet running. */
    synchronized int queued() {
        return Math.max(0, admitted - running());
    }

    /** Requests waiting for a place now. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** Hands the task to the workers, the place going to the next waiting request when it ends; false when shut down. */
    private boolean start(Runnable task) {
        try {
            workers.execute(() -> {
                running.acquireUninterruptibly();
                run(task);
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
