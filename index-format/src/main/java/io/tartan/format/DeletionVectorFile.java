package io.tartan.format;

import io.tartan.format.io.BinaryFile;
import io.tartan.format.io.ByteSink;
import io.tartan.format.io.SortedIntListCodec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A deletion vector ({@code deletes/*.tdel}, FORMAT.md "Deletion vectors"): the sorted pids a commit removed.
 * A snapshot's deleted set is the union of the deletion vectors its manifest lists; readers must never return a
 * deleted pid.
 * <pre>
 * header "TDEL" major minor reserved
 * one sorted pid list
 * footer crc32c "TDEL"
 * </pre>
 */
public final class DeletionVectorFile {
    public static final String MAGIC = "TDEL";

    private DeletionVectorFile() {
    }

    public static byte[] write(int[] pids) {
        int[] sorted = Arrays.stream(pids).sorted().distinct().toArray();
        ByteSink body = new ByteSink();
        SortedIntListCodec.write(body, sorted, 0, sorted.length, new long[Math.max(1, sorted.length)]);
        ByteBuffer buf = BinaryFile.begin(MAGIC, body.size());
        buf.put(body.toByteArray());
        return BinaryFile.finish(buf, MAGIC);
    }

    public static int[] read(byte[] bytes, String fileName) {
        ByteBuffer in = BinaryFile.open(bytes, MAGIC, fileName);
        try {
            int n = SortedIntListCodec.readLength(in);
            int[] pids = new int[n];
            SortedIntListCodec.readValues(in, n, pids, 0, new long[Math.max(1, n)]);
            if (in.hasRemaining()) {
                throw new IndexFormatException(fileName + ": trailing bytes after the deletion vector");
            }
            return pids;
        } catch (IndexFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IndexFormatException(fileName + ": malformed deletion vector (" + e + ")", e);
        }
    }
}
