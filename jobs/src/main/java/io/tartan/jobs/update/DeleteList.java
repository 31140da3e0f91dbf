package io.tartan.jobs.update;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The ids of {@code --delete FILE}: one document id per line, surrounding blanks trimmed; empty lines and lines
 * starting with {@code #} are skipped. Any Hadoop URI ({@code file:}, {@code s3a:}) works.
 */
public final class DeleteList {
    private DeleteList() {
    }

    public static Set<String> read(Configuration conf, String uri) {
        Path p = new Path(uri);
        Set<String> ids = new LinkedHashSet<>();
        try (FSDataInputStream in = p.getFileSystem(conf).open(p);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String id = line.strip();
                if (!id.isEmpty() && !id.startsWith("#")) {
                    ids.add(id);
                }
            }
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("--delete file not found: " + uri);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --delete file " + uri + ": " + e.getMessage(), e);
        }
        return ids;
    }
}
