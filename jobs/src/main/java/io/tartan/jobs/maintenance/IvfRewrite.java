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
 * IVFs rewritten without reading a shard row: a snapshot's IVF files merged with its deleted pids dropped (compaction
 * keeps pids and codes, so this is exactly the IVF of the compacted shards), or every pid moved by an offset (a
 * rebuilt index imported above the pids an index already handed out).
 */
public final class IvfRewrite {
    private IvfRewrite() {
    }

    /** The union of {@code m}'s IVF files without {@code deleted} (sorted). */
    public static Ivf live(Configuration conf, IndexLayout layout, Manifest m, int[] deleted) {
        Ivf[] parts = new Ivf[m.ivf().size()];
        for (int i = 0; i < parts.length; i++) {
            DataFile f = m.ivf().get(i);
            byte[] bytes = IndexFiles.readVerified(conf, layout.resolve(f.path()), f.sizeBytes(), f.checksum());
            parts[i] = IvfFile.read(bytes, layout.resolve(f.path()).toString());
        }
        return without(Ivf.union(parts), deleted);
    }

    /** {@code ivf} with {@code offset} added to every pid. */
    public static Ivf shifted(Ivf ivf, int offset) {
        int[][] lists = new int[ivf.numCentroids()][];
        for (int c = 0; c < lists.length; c++) {
            int[] l = ivf.list(c);
            for (int i = 0; i < l.length; i++) {
                l[i] = Math.addExact(l[i], offset);
            }
            lists[c] = l;
        }
        return Ivf.fromLists(lists);
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
