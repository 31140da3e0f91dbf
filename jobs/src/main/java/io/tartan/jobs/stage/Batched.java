package io.tartan.jobs.stage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Maps an iterator batch by batch, lazily: a partition streams through a stage with one batch in memory, which is
 * what lets a task encode or compress a shard far larger than its heap.
 */
public final class Batched<T, R> implements Iterator<R> {
    private final Iterator<T> in;
    private final int size;
    private final Function<List<T>, List<R>> fn;
    private final Runnable onEnd;
    private Iterator<R> current = Collections.emptyIterator();
    private boolean ended;

    public Batched(Iterator<T> in, int size, Function<List<T>, List<R>> fn, Runnable onEnd) {
        this.in = in;
        this.size = size;
        this.fn = fn;
        this.onEnd = onEnd;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (!in.hasNext()) {
                if (!ended) {
                    ended = true;
                    onEnd.run();
                }
                return false;
            }
            List<T> batch = new ArrayList<>(size);
            while (batch.size() < size && in.hasNext()) {
                batch.add(in.next());
            }
            current = fn.apply(batch).iterator();
        }
        return true;
    }

    @Override
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }
}
