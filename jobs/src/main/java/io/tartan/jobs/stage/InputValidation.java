package io.tartan.jobs.stage;

import io.tartan.jobs.input.CorpusReader;
import io.tartan.jobs.input.Reject;
import io.tartan.jobs.input.SourceDoc;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that need the whole input, after each reader's per-row checks: an id seen twice keeps its first row (by
 * input order) and rejects the others, naming where the first one is; precomputed vectors of another width than the
 * index's are rejected. The result is persisted: every later stage starts from it.
 */
public final class InputValidation {
    private InputValidation() {
    }

    /**
     * @param rows every input row in ordinal order, valid and rejected
     * @param dim  vector width of the index for precomputed input (0 for text)
     */
    public record Result(JavaRDD<SourceDoc> rows, InputCounts counts, int dim) {
        public JavaRDD<SourceDoc> valid() {
            return rows.filter(SourceDoc::valid);
        }

        public JavaRDD<SourceDoc> rejected() {
            return rows.filter(d -> !d.valid());
        }
    }

    public static Result run(JavaSparkContext sc, CorpusReader reader) {
        JavaRDD<SourceDoc> read = reader.read(sc).persist(StorageLevel.MEMORY_AND_DISK());
        int dim = reader.precomputed() ? (reader.dim() > 0 ? reader.dim() : firstWidth(read)) : 0;
        Map<Long, String> duplicates = duplicates(read);
        Broadcast<Map<Long, String>> dupB = sc.broadcast(duplicates);
        int width = dim;
        JavaRDD<SourceDoc> checked = read.map(d -> check(d, dupB.value(), width))
                .persist(StorageLevel.MEMORY_AND_DISK());
        InputCounts counts = checked.aggregate(new InputCounts(), InputCounts::add, InputCounts::merge);
        read.unpersist(false);
        return new Result(checked, counts, dim);
    }

    private static SourceDoc check(SourceDoc d, Map<Long, String> duplicates, int dim) {
        if (!d.valid()) {
            return d;
        }
        String first = duplicates.get(d.ordinal());
        if (first != null) {
            return d.reject(Reject.of(Reject.DUPLICATE_ID, "id '" + d.id() + "' already seen at " + first));
        }
        float[] v = d.vectors();
        if (dim > 0 && v != null && v.length != d.ntokens() * dim) {
            return d.reject(Reject.of(Reject.WRONG_DIM, "vectors are " + v.length / Math.max(1, d.ntokens())
                    + " wide, the index is dim " + dim));
        }
        if (dim > 0 && d.ref() != null && d.ref().dim() != dim) {
            return d.reject(Reject.of(Reject.WRONG_DIM, "vectors are " + d.ref().dim() + " wide, the index is dim "
                    + dim));
        }
        return d;
    }

    /** Width of the first valid document with inline vectors: the index's dim when nothing else says. */
    private static int firstWidth(JavaRDD<SourceDoc> rows) {
        List<Tuple2<Long, Integer>> first = rows.filter(d -> d.valid() && d.ntokens() > 0)
                .map(d -> new Tuple2<>(d.ordinal(), d.ref() != null ? d.ref().dim() : d.vectors().length / d.ntokens()))
                .takeOrdered(1, new FirstOrdinal());
        return first.isEmpty() ? 0 : first.get(0)._2();
    }

    /** Ordinal of every repeated row → "source:line" of the row that keeps the id. */
    private static Map<Long, String> duplicates(JavaRDD<SourceDoc> rows) {
        List<Tuple2<Long, String>> pairs = rows.filter(SourceDoc::valid)
                .mapToPair(d -> new Tuple2<>(d.id(), new Tuple2<>(d.ordinal(), d.source() + ":" + d.line())))
                .groupByKey()
                .flatMap(g -> {
                    List<Tuple2<Long, String>> seen = new ArrayList<>();
                    g._2().forEach(seen::add);
                    if (seen.size() < 2) {
                        return List.<Tuple2<Long, String>>of().iterator();
                    }
                    seen.sort((a, b) -> Long.compare(a._1(), b._1()));
                    String keeper = seen.get(0)._2();
                    List<Tuple2<Long, String>> out = new ArrayList<>();
                    for (int i = 1; i < seen.size(); i++) {
                        out.add(new Tuple2<>(seen.get(i)._1(), keeper));
                    }
                    return out.iterator();
                }).collect();
        Map<Long, String> out = new HashMap<>();
        pairs.forEach(p -> out.put(p._1(), p._2()));
        return out;
    }

    static final class FirstOrdinal implements java.util.Comparator<Tuple2<Long, Integer>>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(Tuple2<Long, Integer> a, Tuple2<Long, Integer> b) {
            return Long.compare(a._1(), b._1());
        }
    }
}
