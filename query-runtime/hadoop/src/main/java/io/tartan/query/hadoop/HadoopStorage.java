package io.tartan.query.hadoop;

import io.tartan.format.IndexLayout;
import io.tartan.format.io.IndexFiles;
import io.tartan.query.storage.IndexStorage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** An index on a Hadoop file system ({@code s3a:}, {@code hdfs:} …), read through {@link FileSystem}. */
public final class HadoopStorage implements IndexStorage {
    private final String uri;
    private final Configuration conf;
    private final IndexLayout layout;

    public HadoopStorage(String uri, Configuration conf) {
        this.uri = uri;
        this.conf = conf;
        this.layout = new IndexLayout(uri);
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public List<String> list(String folder) {
        Path dir = layout.resolve(folder);
        try {
            FileSystem fs = IndexFiles.fileSystem(conf, dir);
            List<String> names = new ArrayList<>();
            for (FileStatus s : fs.listStatus(dir)) {
                names.add(s.getPath().getName());
            }
            return names;
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(String relativePath) {
        return IndexFiles.readAll(conf, layout.resolve(relativePath));
    }

    @Override
    public java.nio.file.Path localFile(String relativePath) {
        return null;
    }

    @Override
    public String describe(String relativePath) {
        return layout.resolve(relativePath).toString();
    }
}
