package io.tartan.jobs.input;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of an input URI: the file itself, or a directory's files with the wanted suffix, sorted by name (the
 * order fixes document ordinals and so pids). Hidden and underscore files ({@code _SUCCESS}, {@code .crc}) are
 * skipped, as Spark does.
 */
public final class InputFiles {
    private InputFiles() {
    }

    public static List<String> list(Configuration conf, String uri, String suffix) {
        Path p = new Path(uri);
        try {
            FileSystem fs = p.getFileSystem(conf);
            FileStatus st;
            try {
                st = fs.getFileStatus(p);
            } catch (FileNotFoundException e) {
                throw new IllegalArgumentException("input not found: " + uri);
            }
            List<String> out = new ArrayList<>();
            if (st.isFile()) {
                out.add(st.getPath().toString());
                return out;
            }
            for (FileStatus f : fs.listStatus(p)) {
                String name = f.getPath().getName();
                if (f.isFile() && !name.startsWith("_") && !name.startsWith(".") && name.endsWith(suffix)) {
                    out.add(f.getPath().toString());
                }
            }
            out.sort(null);
            if (out.isEmpty()) {
                throw new IllegalArgumentException("input " + uri + " holds no *" + suffix + " files");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input " + uri + ": " + e.getMessage(), e);
        }
    }

    /** True if {@code uri} exists and is a file or holds a file named {@code name}. */
    public static boolean hasChild(Configuration conf, String uri, String name) {
        Path p = new Path(uri);
        try {
            FileSystem fs = p.getFileSystem(conf);
            return fs.exists(new Path(p, name));
        } catch (IOException e) {
            return false;
        }
    }
}
