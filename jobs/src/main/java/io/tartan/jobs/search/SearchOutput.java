package io.tartan.jobs.search;

import io.tartan.format.io.IndexFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The output folder of a search batch and its commit. Layout:
 * <pre>
 * OUTPUT/part-*.parquet   results: query_id, rank (1 = best), doc_id, score, version (of the index snapshot)
 * OUTPUT/_rejected/       bad queries, one JSON object per line (source, line, id, reason, detail)
 * OUTPUT/_SUCCESS         the commit marker: the run's summary as JSON, listing the result files; written last
 * </pre>
 * Results are complete only when {@code _SUCCESS} exists; Spark and most tools skip {@code _}-prefixed names when
 * reading the folder. While a run is in progress the folder holds {@code _STARTED}: a later run into the same
 * {@code --output} clears what a failed run left, but never writes into a folder that holds committed results or
 * anything else.
 */
public final class SearchOutput {
    public static final String SUCCESS = "_SUCCESS";
    public static final String STARTED = "_STARTED";
    private static final Logger LOG = LoggerFactory.getLogger(SearchOutput.class);
    private static final StructType SCHEMA = new StructType()
            .add("query_id", DataTypes.StringType, false)
            .add("rank", DataTypes.IntegerType, false)
            .add("doc_id", DataTypes.StringType, false)
            .add("score", DataTypes.FloatType, false)
            .add("version", DataTypes.LongType, false);

    private final Configuration conf;
    private final Path root;

    public SearchOutput(Configuration conf, String output) {
        this.conf = conf;
        this.root = new Path(output);
    }

    /** Checks the folder may be written and marks the run as started. */
    public void begin() {
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (fs.exists(root)) {
                if (!fs.getFileStatus(root).isDirectory()) {
                    throw new IllegalArgumentException("--output " + root + " is a file");
                }
                if (fs.exists(new Path(root, SUCCESS))) {
                    throw new IllegalArgumentException("--output " + root + " already holds committed search results ("
                            + SUCCESS + "); choose another --output or delete it");
                }
                FileStatus[] children = fs.listStatus(root);
                if (children.length > 0 && !fs.exists(new Path(root, STARTED))) {
                    throw new IllegalArgumentException("--output " + root + " exists and is not the output of a search "
                            + "batch; refusing to write into it");
                }
                if (children.length > 0) {
                    LOG.warn("{} holds the uncommitted output of an earlier run that did not finish: clearing it", root);
                    fs.delete(root, true);
                }
            }
            fs.mkdirs(root);
            IndexFiles.writeNew(conf, new Path(root, STARTED), new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare --output " + root + ": " + e.getMessage(), e);
        }
    }

    /** Writes the result rows with Spark's Parquet writer (task outputs staged and committed by Spark). */
    public void writeResults(JavaSparkContext sc, JavaRDD<QueryHits> hits) {
        JavaRDD<Row> rows = hits.flatMap(h -> {
            List<Row> out = new ArrayList<>(h.size());
            for (int i = 0; i < h.size(); i++) {
                out.add(RowFactory.create(h.queryId(), i + 1, h.docIds()[i], h.scores()[i], h.version()));
            }
            return out.iterator();
        });
        SparkSession spark = SparkSession.builder().config(sc.getConf()).getOrCreate();
        // _SUCCESS is this job's own marker, written after the rejects and the summary
        spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.Append)
                .option("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
                .parquet(root.toString());
    }

    /** The result files, by name, sorted. */
    public List<String> resultFiles() {
        try {
            FileSystem fs = root.getFileSystem(conf);
            List<String> out = new ArrayList<>();
            for (FileStatus f : fs.listStatus(root)) {
                String name = f.getPath().getName();
                if (f.isFile() && name.endsWith(".parquet") && !name.startsWith("_") && !name.startsWith(".")) {
                    out.add(name);
                }
            }
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /** Publishes the results: writes {@code _SUCCESS} (create-if-absent, one small write), then drops {@code _STARTED}. */
    public void commit(String summaryJson) {
        Path marker = new Path(root, SUCCESS);
        IndexFiles.writeNew(conf, marker, summaryJson.getBytes(StandardCharsets.UTF_8));
        try {
            root.getFileSystem(conf).delete(new Path(root, STARTED), false);
        } catch (IOException e) {
            LOG.warn("committed {} but could not remove {}: {}", marker, STARTED, e.getMessage());
        }
    }

    public String root() {
        return root.toString();
    }
}
