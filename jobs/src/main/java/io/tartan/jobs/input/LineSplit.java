package io.tartan.jobs.input;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Bytes {@code [start, end)} of a text file, read as whole lines the way Hadoop's {@code LineRecordReader} does: a
 * split owns the lines that start inside it, so it skips a partial first line (unless it starts at 0) and reads past
 * its end to finish its last one. Lines end at {@code \n}; a {@code \r} before it is dropped.
 *
 * @param fileIndex  the file's place in the input (orders ordinals)
 * @param firstLine  1 + the number of {@code \n} bytes in {@code [0, start)} of the file: with it the split numbers
 *                   its lines exactly as one reader of the whole file would
 */
record LineSplit(int fileIndex, String path, long start, long end, long firstLine) implements Serializable {

    /** The {@code \n} bytes in {@code [start, end)}: summed over earlier splits, a split's {@code firstLine}. */
    long countNewlines(HadoopConf conf) throws IOException {
        Path p = new Path(path);
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (FSDataInputStream in = p.getFileSystem(conf.get()).open(p)) {
            in.seek(start);
            long left = end - start;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    break;
                }
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
                left -= r;
            }
        }
        return n;
    }

    /** One line and its 1-based number in the file. */
    record Line(long number, String text) {
    }

    /** The lines this split owns, blank ones included, in order. */
    Iterator<Line> lines(HadoopConf conf) throws IOException {
        Path p = new Path(path);
        FSDataInputStream raw = p.getFileSystem(conf.get()).open(p);
        long pos = Math.max(0, start - 1);
        raw.seek(pos);
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        long number = firstLine;
        if (start > 0) {
            // the byte before the split says whether a line starts at `start`; if not, the line under way belongs
            // to the previous split (it started there), and its \n is the first one counted from `start`
            int b = in.read();
            pos++;
            if (b != '\n') {
                while (b >= 0 && b != '\n') {
                    b = in.read();
                    pos++;
                }
                number++;
                if (b < 0) {
                    pos = Long.MAX_VALUE;
                }
            }
        }
        return new Lines(in, pos, number);
    }

    private final class Lines implements Iterator<Line> {
        private final InputStream in;
        private long pos;
        private long number;
        private byte[] buf = new byte[256];
        private Line next;

        Lines(InputStream in, long pos, long number) {
            this.in = in;
            this.pos = pos;
            this.number = number;
            advance();
        }

        private void advance() {
            next = null;
            try {
                if (pos >= end) {
                    in.close();
                    return;
                }
                int len = 0;
                int b = in.read();
                if (b < 0) {
                    in.close();
                    return;
                }
                pos++;
                while (b >= 0 && b != '\n') {
                    if (len == buf.length) {
                        buf = Arrays.copyOf(buf, buf.length * 2);
                    }
                    buf[len++] = (byte) b;
                    b = in.read();
                    if (b >= 0) {
                        pos++;
                    }
                }
                if (len > 0 && buf[len - 1] == '\r') {
                    len--;
                }
                next = new Line(number++, new String(buf, 0, len, StandardCharsets.UTF_8));
                if (b < 0) {
                    pos = Long.MAX_VALUE;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path + " at line " + number + ": " + e.getMessage(),
                        e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Line next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Line l = next;
            advance();
            return l;
        }
    }
}
