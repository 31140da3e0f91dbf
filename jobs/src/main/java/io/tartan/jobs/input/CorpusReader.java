package io.tartan.jobs.input;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Reads one input format into {@link SourceDoc}s, valid or rejected. Partitions come in ordinal order and rows in
 * ordinal order inside each, so numbering the valid rows in RDD order gives stable pids.
 */
public interface CorpusReader {
    JavaRDD<SourceDoc> read(JavaSparkContext sc);

    /** True when rows carry token vectors rather than text. */
    boolean precomputed();

    /** Width of the vectors for precomputed input, known before reading rows; 0 for text or when unknown. */
    int dim();

    /** The format name, as {@code --format} spells it. */
    String format();
}
