package io.tartan.jobs.input;

import java.io.Serializable;
import java.util.Map;

/**
 * One input row after parsing: a document to index, or a rejected row with its reason. Exactly one of
 * {@code text}, {@code vectors} and {@code ref} is set for a valid document.
 *
 * @param ordinal   position in the input (file index, then line or row): orders documents before pids are given
 * @param source    the input file
 * @param line      1-based line (JSONL) or row (Parquet, npy document) in {@code source}
 * @param id        the user's document id, null if missing
 * @param text      the text to encode ({@code title + " " + text} when a title is given)
 * @param vectors   precomputed {@code [ntokens × dim]} vectors carried inline
 * @param ref       precomputed vectors left in an .npy file, read again where needed
 * @param ntokens   tokens (exact for vectors; an estimate for text, used to size shards)
 * @param metadata  optional user metadata
 * @param reject    why the row is rejected, null for a valid document
 */
public record SourceDoc(long ordinal, String source, long line, String id, String text, float[] vectors,
        VectorRef ref, int ntokens, Map<String, String> metadata, Reject reject) implements Serializable {

    /** Bits of the ordinal that hold the line, below the file index. */
    public static final int LINE_BITS = 40;

    public static long ordinal(int fileIndex, long line) {
        return ((long) fileIndex << LINE_BITS) | line;
    }

    public static SourceDoc rejected(long ordinal, String source, long line, String id, Reject reject) {
        return new SourceDoc(ordinal, source, line, id, null, null, null, 0, null, reject);
    }

    public boolean valid() {
        return reject == null;
    }

    /** This row, rejected for {@code why}. */
    public SourceDoc reject(Reject why) {
        return rejected(ordinal, source, line, id, why);
    }
}
