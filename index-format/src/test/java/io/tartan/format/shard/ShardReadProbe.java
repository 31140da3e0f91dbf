package io.tartan.format.shard;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import org.apache.hadoop.conf.Configuration;

/**
 * Run in a child JVM with a small heap by {@link ShardReaderMemoryTest}: reads one shard and prints its row count and
 * the sum of its residual bytes. Arguments: index root URI, then the shard's path, size, rows, tokens and checksum,
 * then dim, nbits and number of centroids.
 */
public final class ShardReadProbe {
    private ShardReadProbe() {
    }

    public static void main(String[] a) {
        IndexLayout layout = new IndexLayout(a[0]);
        DataFile f = new DataFile(a[1], DataFile.SHARD, Long.parseLong(a[2]), Long.parseLong(a[3]), Long.parseLong(a[4]),
                a[5], -1, -1);
        ShardSpec spec = new ShardSpec(Integer.parseInt(a[6]), Integer.parseInt(a[7]), 4, Integer.parseInt(a[8]));
        long[] rows = {0};
        long[] sum = {0};
        ShardReader.read(new Configuration(), layout, f, spec, r -> {
            rows[0]++;
            for (byte b : r.residuals()) {
                sum[0] += b;
            }
        });
        System.out.println("rows=" + rows[0] + " residual_sum=" + sum[0]);
    }
}
