package io.tartan.jobs.search;

import io.tartan.jobs.input.CorpusReader;
import io.tartan.jobs.input.DocFields;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.NpyHeader;
import io.tartan.jobs.input.Reject;
import io.tartan.jobs.input.SourceDoc;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Precomputed query vectors in one {@code .npy} file: float32 {@code [nq, query_maxlen, dim]} (as
 * {@code gen_synth.py} writes {@code queries.npy}) or {@code [query_maxlen, dim]} for a single query. Query ids are
 * the row numbers {@code 0, 1, …} (as {@code tartan search --query-vectors} numbers them) unless an ids file gives
 * one id per line, in row order. The driver reads the header and cuts the rows into ranges of about
 * {@value #RANGE_BYTES} bytes; each task reads its range.
 */
final class NpyQueryReader implements CorpusReader {
    private static final long RANGE_BYTES = 16L << 20;

    private final String file;
    private final HadoopConf conf;
    private final int dim;
    private final int tokens;
    private final long rows;
    private final long dataOffset;
    private final List<String> ids;

    private NpyQueryReader(String file, HadoopConf conf, int dim, int tokens, long rows, long dataOffset,
            List<String> ids) {
        this.file = file;
        this.conf = conf;
        this.dim = dim;
        this.tokens = tokens;
        this.rows = rows;
        this.dataOffset = dataOffset;
        this.ids = ids;
    }

    /** Reads the header (and the ids file, when given) and checks the vectors are {@code dim} wide. */
    static NpyQueryReader open(String file, String idsFile, HadoopConf conf, int dim) {
        Path p = new Path(file);
        try {
            FileSystem fs = p.getFileSystem(conf.get());
            NpyHeader h;
            try (FSDataInputStream in = fs.open(p)) {
                h = NpyHeader.read(in, file);
            }
            if (!h.descr().equals("<f4") || (h.shape().length != 2 && h.shape().length != 3)) {
                throw new IllegalArgumentException(file + ": dtype " + h.descr() + ", shape "
                        + Arrays.toString(h.shape()) + "; query vectors must be float32 (<f4) [nq, query_maxlen, dim]"
                        + " or [query_maxlen, dim]");
            }
            long[] s = h.shape();
            long n = s.length == 3 ? s[0] : 1;
            int t = Math.toIntExact(s[s.length - 2]);
            int width = Math.toIntExact(s[s.length - 1]);
            if (width != dim) {
                throw new IllegalArgumentException(file + ": query vectors are " + width + " wide (shape "
                        + Arrays.toString(s) + ") but the index has dim " + dim);
            }
            List<String> ids = idsFile == null ? null : readIds(idsFile, conf);
            if (ids != null && ids.size() != n) {
                throw new IllegalArgumentException(idsFile + " holds " + ids.size() + " ids but " + file + " holds "
                        + n + " queries");
            }
            return new NpyQueryReader(p.toString(), conf, width, t, n, h.dataOffset(), ids);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<String> readIds(String idsFile, HadoopConf conf) throws IOException {
        Path p = new Path(idsFile);
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getFileSystem(conf.get()).open(p),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line.strip());
            }
        }
        // a trailing newline at the end of the file is not an empty last id
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** Rows {@code [from, to)} and their ids (null: the row numbers). */
    private record Range(long from, long to, List<String> ids) implements Serializable {
    }

    @Override
    public JavaRDD<SourceDoc> read(JavaSparkContext sc) {
        long rowBytes = 4L * tokens * dim;
        long perRange = Math.max(1, RANGE_BYTES / Math.max(1, rowBytes));
        List<Range> ranges = new ArrayList<>();
        for (long from = 0; from < rows; from += perRange) {
            long to = Math.min(rows, from + perRange);
            ranges.add(new Range(from, to, ids == null ? null
                    : new ArrayList<>(ids.subList((int) from, (int) to))));
        }
        String f = file;
        HadoopConf hc = conf;
        int t = tokens;
        int width = dim;
        long offset = dataOffset;
        return sc.parallelize(ranges, Math.max(1, ranges.size()))
                .flatMap(r -> readRange(hc, f, offset, t, width, r).iterator());
    }

    private static List<SourceDoc> readRange(HadoopConf conf, String file, long offset, int tokens, int dim, Range r)
            throws IOException {
        int n = Math.toIntExact(r.to - r.from);
        int floats = tokens * dim;
        byte[] raw = new byte[Math.multiplyExact(n, 4 * floats)];
        Path p = new Path(file);
        try (FSDataInputStream in = p.getFileSystem(conf.get()).open(p)) {
            in.readFully(offset + r.from * 4L * floats, raw);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        List<SourceDoc> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long row = r.from + i;
            String id = r.ids == null ? Long.toString(row) : r.ids.get(i);
            // rows are numbered from 1 in reject reports, like lines; the id is the 0-based row
            long line = row + 1;
            long ordinal = SourceDoc.ordinal(0, line);
            if (id.isEmpty()) {
                out.add(SourceDoc.rejected(ordinal, file, line, null, Reject.of(Reject.MISSING_ID,
                        "line " + line + " of the ids file is empty")));
                b.position(b.position() + 4 * floats);
                continue;
            }
            float[] v = new float[floats];
            b.asFloatBuffer().get(v);
            b.position(b.position() + 4 * floats);
            Reject bad = DocFields.checkFinite(v, dim);
            out.add(bad != null ? SourceDoc.rejected(ordinal, file, line, id, bad)
                    : new SourceDoc(ordinal, file, line, id, null, v, null, tokens, null, null));
        }
        return out;
    }

    @Override
    public boolean precomputed() {
        return true;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public String format() {
        return "npy";
    }
}
