package io.tartan.jobs.maintenance;

import io.tartan.format.IndexLayout;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import org.apache.hadoop.conf.Configuration;

import java.util.Arrays;

/**
 * The IVF of a snapshot with its deleted pids dropped: a base plus append deltas merged into one. Compaction keeps
 * pids and codes, so this is exactly the IVF of the compacted shards, without reading a single shard row.
 */
public final class LiveIvf {
    private LiveIvf() {
    }

    public static Ivf of(Configuration conf, IndexLayout layout, Manifest m, int[] deleted) {
        Ivf[] parts = new Ivf[m.ivf().size()];
        for (int i = 0; i < parts.length; i++) {
            DataFile f = m.ivf().get(i);
            byte[] bytes = IndexFiles.readVerified(conf, layout.resolve(f.path()), f.sizeBytes(), f.checksum());
            parts[i] = IvfFile.read(bytes, layout.resolve(f.path()).toString());
        }
        return without(Ivf.union(parts), deleted);
    }

    /** {@code ivf} without the pids in {@code deleted} (sorted). */
    public static Ivf without(Ivf ivf, int[] deleted) {
        int[][] lists = new int[ivf.numCentroids()][];
        for (int c = 0; c < lists.length; c++) {
            int[] l = ivf.list(c);
            int n = 0;
            for (int pid : l) {
                if (Arrays.binarySearch(deleted, pid) < 0) {
                    l[n++] = pid;
                }
            }
            lists[c] = n == l.length ? l : Arrays.copyOf(l, n);
        }
        return Ivf.fromLists(lists);
    }
}
