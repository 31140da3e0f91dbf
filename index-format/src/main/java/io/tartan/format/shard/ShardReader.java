package io.tartan.format.shard;

import io.tartan.format.IndexLayout;
import io.tartan.format.io.ByteArrayInputFile;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.DataFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;

import java.util.function.Consumer;

/**
 * Reads a shard listed in a manifest through Hadoop's file systems: verifies its size and checksum first (naming the
 * file if they differ), then hands it to {@link ShardFileReader}, which checks the footer and streams the rows a window of pages at a
 * time (Hadoop setting {@code tartan.shard.read.window-bytes}, default 4 MiB).
 */
public final class ShardReader {
    private ShardReader() {
    }

    public static void read(Configuration conf, IndexLayout layout, DataFile file, ShardSpec spec, Consumer<ShardRow> sink) {
        org.apache.hadoop.fs.Path path = layout.resolve(file.path());
        String name = path.toString();
        InputFile in;
        String scheme = path.toUri().getScheme();
        if (scheme == null || "file".equals(scheme)) {
            // a local file (an index on disk, or the verified cache copy of a remote one): verify it streaming, then
            // let Parquet read it from disk, so the heap never holds the whole file
            IndexFiles.verify(conf, path, file.sizeBytes(), file.checksum());
            in = new LocalInputFile(java.nio.file.Path.of(path.toUri().getPath()));
        } else {
            // remote: one read, verified and parsed from memory
            in = new ByteArrayInputFile(IndexFiles.readVerified(conf, path, file.sizeBytes(), file.checksum()));
        }
        long window = Math.max(1, conf.getLong(PageWindowReader.WINDOW_BYTES, PageWindowReader.DEFAULT_WINDOW_BYTES));
        ShardFileReader.read(in, name, file, spec, window, sink);
    }
}
