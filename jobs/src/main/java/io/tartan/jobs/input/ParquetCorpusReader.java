package io.tartan.jobs.input;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Parquet corpus: text rows ({@code id}, {@code text}, optional {@code title}, optional {@code metadata}
 * map&lt;string,string&gt;) or vector rows ({@code id}, {@code vectors}: list&lt;list&lt;float&gt;&gt;, optional
 * {@code metadata}). Files are read in runs of row groups of about {@code input_split_mb} ({@link RowGroupSplit},
 * planned from the footers in a first Spark job), one task each streaming through parquet-avro; rows are numbered
 * from 1 in their file.
 */
final class ParquetCorpusReader implements CorpusReader {
    private final List<String> files;
    private final HadoopConf conf;
    private final boolean vectors;
    private final int dim;
    private final long splitBytes;

    ParquetCorpusReader(List<String> files, HadoopConf conf, boolean vectors, int dim, long splitBytes) {
        this.files = files;
        this.conf = conf;
        this.vectors = vectors;
        this.splitBytes = Math.max(1, splitBytes);
        this.dim = dim > 0 ? dim : vectors ? firstRowDim(files.get(0), conf.get()) : 0;
    }

    @Override
    public JavaRDD<SourceDoc> read(JavaSparkContext sc) {
        List<Tuple2<Integer, String>> indexed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            indexed.add(new Tuple2<>(i, files.get(i)));
        }
        HadoopConf hc = conf;
        boolean vec = vectors;
        int width = dim;
        long bytes = splitBytes;
        List<RowGroupSplit> splits = sc.parallelize(indexed, indexed.size())
                .flatMap(f -> RowGroupSplit.plan(hc, f._1(), f._2(), bytes).iterator()).collect();
        return sc.parallelize(splits, Math.max(1, splits.size())).flatMap(s -> new Rows(hc, s, vec, width));
    }

    /** The expected width of vector rows: that of the first vector in the first file. */
    private static int firstRowDim(String file, Configuration conf) {
        try (ParquetReader<GenericRecord> r = open(file, conf)) {
            GenericRecord rec;
            while ((rec = r.read()) != null) {
                List<?> rows = list(field(rec, "vectors"));
                if (rows != null && !rows.isEmpty() && list(rows.get(0)) != null) {
                    return list(rows.get(0)).size();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(file + ": no row with vectors; cannot tell the dim (set --dim)");
    }

    static ParquetReader<GenericRecord> open(String file, Configuration conf) throws IOException {
        return builder(file, conf).build();
    }

    private static ParquetReader.Builder<GenericRecord> builder(String file, Configuration conf) throws IOException {
        Configuration c = new Configuration(conf);
        c.setBoolean("parquet.avro.add-list-element-records", false);
        c.setBoolean("parquet.avro.readInt96AsFixed", true);
        return AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(new Path(file), c)).withConf(c);
    }

    static Object field(GenericRecord r, String name) {
        Schema.Field f = r.getSchema().getField(name);
        return f == null ? null : r.get(f.pos());
    }

    /** An Avro array as a list, unwrapping one-field element records of 3-level Parquet lists. */
    static List<?> list(Object o) {
        if (!(o instanceof List<?> l)) {
            return null;
        }
        if (!l.isEmpty() && l.get(0) instanceof GenericRecord) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object e : l) {
                out.add(e instanceof GenericRecord g ? g.get(0) : e);
            }
            return out;
        }
        return l;
    }

    @Override
    public boolean precomputed() {
        return vectors;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public String format() {
        return vectors ? "parquet-vectors" : "parquet";
    }

    private static final class Rows implements Iterator<SourceDoc> {
        private final ParquetReader<GenericRecord> reader;
        private final int fileIndex;
        private final String source;
        private final boolean vectors;
        private final int dim;
        private long row;
        private GenericRecord next;

        Rows(HadoopConf conf, RowGroupSplit split, boolean vectors, int dim) throws IOException {
            this.reader = builder(split.path(), conf.get()).withFileRange(split.start(), split.end()).build();
            this.fileIndex = split.fileIndex();
            this.source = split.path();
            this.vectors = vectors;
            this.dim = dim;
            this.row = split.firstRow() - 1;
            advance();
        }

        private void advance() {
            try {
                next = reader.read();
                row++;
                if (next == null) {
                    reader.close();
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read " + source + " at row " + row + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public SourceDoc next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            GenericRecord r = next;
            long ordinal = SourceDoc.ordinal(fileIndex, row);
            SourceDoc d;
            try {
                Object id = field(r, "id");
                if (vectors) {
                    List<?> rows = list(field(r, "vectors"));
                    List<Object> unwrapped = null;
                    if (rows != null) {
                        unwrapped = new ArrayList<>(rows.size());
                        for (Object v : rows) {
                            unwrapped.add(list(v));
                        }
                    }
                    d = DocFields.vectors(ordinal, source, row, id, unwrapped, dim, field(r, "metadata"));
                } else {
                    d = DocFields.text(ordinal, source, row, id, field(r, "title"), field(r, "text"),
                            field(r, "metadata"));
                }
            } catch (RuntimeException e) {
                d = SourceDoc.rejected(ordinal, source, row, null, Reject.of(Reject.BAD_ROW, e.toString()));
            }
            advance();
            return d;
        }
    }
}
