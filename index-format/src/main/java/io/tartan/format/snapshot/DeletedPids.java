package io.tartan.format.snapshot;

import io.tartan.format.DeletionVectorFile;
import io.tartan.format.IndexLayout;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import org.apache.hadoop.conf.Configuration;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** The deleted set of a snapshot: the union of its deletion vectors, read and verified. */
public final class DeletedPids {
    private DeletedPids() {
    }

    /** Sorted unique deleted pids of {@code m}. */
    public static int[] of(Configuration conf, IndexLayout layout, Manifest m) {
        return union(conf, layout, m.deletes());
    }

    static int[] union(Configuration conf, IndexLayout layout, List<DataFile> deletes) {
        IntStream all = IntStream.empty();
        for (DataFile f : deletes) {
            byte[] bytes = IndexFiles.readVerified(conf, layout.resolve(f.path()), f.sizeBytes(), f.checksum());
            all = IntStream.concat(all, Arrays.stream(DeletionVectorFile.read(bytes, layout.resolve(f.path()).toString())));
        }
        return all.sorted().distinct().toArray();
    }

    /** How many deleted pids fall inside a stored shard's pid range (so compacted-away pids do not count). */
    static long countStored(Configuration conf, IndexLayout layout, List<DataFile> deletes, List<DataFile> shards) {
        if (deletes.isEmpty()) {
            return 0;
        }
        long[][] ranges = shards.stream().map(s -> new long[] {s.minPid(), s.maxPid()})
                .sorted((a, b) -> Long.compare(a[0], b[0])).toArray(long[][]::new);
        long n = 0;
        for (int pid : union(conf, layout, deletes)) {
            int lo = 0, hi = ranges.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (ranges[mid][1] < pid) {
                    lo = mid + 1;
                } else if (ranges[mid][0] > pid) {
                    hi = mid - 1;
                } else {
                    n++;
                    break;
                }
            }
        }
        return n;
    }
}
