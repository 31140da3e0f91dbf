package io.tartan.jobs.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.jobs.input.SourceDoc;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes rejected input rows as JSON Lines under {@code <index>/_rejected/}: one object per row with the source
 * file, line (or row), id when known, the reject kind and a sentence saying why. Not part of the index (readers
 * ignore the folder); the build summary counts the same rows by kind.
 */
public final class RejectedOutput {
    public static final String DIR = "_rejected";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROWS_PER_FILE = 1_000_000;

    private RejectedOutput() {
    }

    /** Writes {@code rejected} ({@code count} rows), replacing what an earlier failed run left; returns the folder. */
    public static String write(JavaRDD<SourceDoc> rejected, long count, String indexRoot, Configuration conf) {
        Path dir = new Path(indexRoot, DIR);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
        if (count == 0) {
            return null;
        }
        int files = (int) Math.max(1, Math.min(rejected.getNumPartitions(), (count + ROWS_PER_FILE - 1) / ROWS_PER_FILE));
        rejected.map(RejectedOutput::line).coalesce(files).saveAsTextFile(dir.toString());
        return dir.toString();
    }

    static String line(SourceDoc d) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", d.source());
        m.put("line", d.line());
        m.put("id", d.id());
        m.put("reason", d.reject().kind());
        m.put("detail", d.reject().detail());
        return JSON.writeValueAsString(m);
    }
}
