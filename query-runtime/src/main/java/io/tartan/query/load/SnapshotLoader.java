package io.tartan.query.load;

import io.tartan.format.DeletionVectorFile;
import io.tartan.format.codec.CodecFile;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.Manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Reads the small files of one manifest (codec, deletion vectors, IVF), each verified against its checksum, and
 * runs per-shard work on a bounded pool.
 */
public final class SnapshotLoader {
    private final FileSource source;
    private final int threads;

    public SnapshotLoader(FileSource source, int threads) {
        this.source = source;
        this.threads = Math.max(1, threads);
    }

    public ResidualCodec codec(Manifest m) {
        return CodecFile.read(source.read(m.codec()), m.codec().path());
    }

    /** Sorted unique deleted pids: the union of the snapshot's deletion vectors. */
    public int[] deletedPids(Manifest m) {
        int[][] parts = m.deletes().stream().map(f -> DeletionVectorFile.read(source.read(f), f.path())).toArray(int[][]::new);
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).sorted().distinct().toArray();
    }

    /**
     * The snapshot's IVF as its files store it. The serving path does not read it: each serving segment derives its
     * shard's lists from the shard's codes, which by FORMAT.md section 7 gives the same lists.
     */
    public Ivf ivf(Manifest m) {
        return Ivf.union(m.ivf().stream().map(f -> IvfFile.read(source.read(f), f.path())).toArray(Ivf[]::new));
    }

    /** {@code work} applied to every item, on up to {@code threads} threads; results in input order. */
    public <A, B> List<B> parallel(List<A> items, Function<A, B> work) {
        int n = Math.min(threads, Math.max(1, items.size()));
        if (n == 1) {
            return items.stream().map(work).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "tartan-load");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<B>> futures = items.stream().map(a -> pool.submit(() -> work.apply(a))).toList();
            List<B> out = new ArrayList<>();
            for (Future<B> fu : futures) {
                out.add(fu.get());
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading shards", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
