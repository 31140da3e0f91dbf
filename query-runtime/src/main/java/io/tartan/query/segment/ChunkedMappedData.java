package io.tartan.query.segment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file mapped as a sequence of {@code MappedByteBuffer}s of {@code 2^chunkPower} bytes each (the last one
 * shorter), as Lucene 9's {@code ByteBufferIndexInput} does: one {@code ByteBuffer} addresses at most 2 GiB, so a
 * larger file needs several, and a position splits into a chunk number (high bits) and an offset (low bits).
 *
 * <p>Why {@code MappedByteBuffer} and not the FFM API's {@code MemorySegment}: the project's baseline is Java 17,
 * where FFM is still incubating; chunked buffers work on every JDK from 17 on.
 *
 * <p>Unmapping is left to the garbage collector: a buffer's mapping is released when the buffer becomes
 * unreachable. Java 17 has no supported way to unmap eagerly ({@code Unsafe.invokeCleaner} is internal), and an
 * eager unmap while any thread still reads the buffer crashes the JVM; an index snapshot (and with it its mappings)
 * becomes unreachable exactly when no query holds it any more, which is the release point reference counting would
 * compute, without the risk. The cost is that address space (not memory: the pages are the OS page cache's) stays
 * reserved until the next collection.
 */
public final class ChunkedMappedData implements MappedData {
    /** Default chunk: 1 GiB, as Lucene uses for 64-bit JVMs. */
    public static final int DEFAULT_CHUNK_POWER = 30;
    public static final int MIN_CHUNK_POWER = 6;
    public static final int MAX_CHUNK_POWER = 30;

    private final Path file;
    private final long length;
    private final int shift;
    private final long mask;
    private final ByteBuffer[] chunks;
    private final IntBuffer[] ints;
    private final FloatBuffer[] floats;

    private ChunkedMappedData(Path file, long length, int shift, ByteBuffer[] chunks) {
        this.file = file;
        this.length = length;
        this.shift = shift;
        this.mask = (1L << shift) - 1;
        this.chunks = chunks;
        this.ints = new IntBuffer[chunks.length];
        this.floats = new FloatBuffer[chunks.length];
        for (int i = 0; i < chunks.length; i++) {
            // chunk starts are multiples of 2^shift ≥ 64, so int element j of a view is at chunk byte 4j
            ints[i] = chunks[i].duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            floats[i] = chunks[i].duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
    }

    /**
     * Maps a whole file read-only.
     *
     * @param chunkPower log2 of the chunk size, {@value #MIN_CHUNK_POWER} … {@value #MAX_CHUNK_POWER}
     */
    public static ChunkedMappedData map(Path file, int chunkPower) {
        checkChunkPower(chunkPower);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = ch.size();
            long chunk = 1L << chunkPower;
            long n = (length + chunk - 1) >>> chunkPower;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(file + ": " + n + " chunks of 2^" + chunkPower + " bytes is too many");
            }
            ByteBuffer[] chunks = new ByteBuffer[(int) Math.max(1, n)];
            for (int i = 0; i < chunks.length; i++) {
                long start = (long) i << chunkPower;
                long size = Math.min(chunk, length - start);
                chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.max(0, size)).order(ByteOrder.LITTLE_ENDIAN);
            }
            // the mapping outlives the channel (FileChannel.map: "remains valid until garbage collected")
            return new ChunkedMappedData(file, length, chunkPower, chunks);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + file + ": " + e.getMessage(), e);
        }
    }

    public static void checkChunkPower(int chunkPower) {
        if (chunkPower < MIN_CHUNK_POWER || chunkPower > MAX_CHUNK_POWER) {
            throw new IllegalArgumentException("mapping chunk size 2^" + chunkPower + " is outside 2^" + MIN_CHUNK_POWER
                    + " … 2^" + MAX_CHUNK_POWER + " bytes");
        }
    }

    public Path file() {
        return file;
    }

    public int chunks() {
        return chunks.length;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public byte getByte(long pos) {
        return chunks[(int) (pos >>> shift)].get((int) (pos & mask));
    }

    @Override
    public int getInt(long pos) {
        return chunks[(int) (pos >>> shift)].getInt((int) (pos & mask));
    }

    @Override
    public long getLong(long pos) {
        return chunks[(int) (pos >>> shift)].getLong((int) (pos & mask));
    }

    @Override
    public float getFloat(long pos) {
        return chunks[(int) (pos >>> shift)].getFloat((int) (pos & mask));
    }

    @Override
    public void getInts(long pos, int[] dst, int off, int len) {
        while (len > 0) {
            int n = wordsInChunk(pos, len);
            ints[(int) (pos >>> shift)].get((int) (pos & mask) >>> 2, dst, off, n);
            pos += 4L * n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void getFloats(long pos, float[] dst, int off, int len) {
        while (len > 0) {
            int n = wordsInChunk(pos, len);
            floats[(int) (pos >>> shift)].get((int) (pos & mask) >>> 2, dst, off, n);
            pos += 4L * n;
            off += n;
            len -= n;
        }
    }

    /** How many of {@code len} 4-byte words from {@code pos} lie in {@code pos}'s chunk. */
    private int wordsInChunk(long pos, int len) {
        return (int) Math.min(len, (mask + 1 - (pos & mask)) >>> 2);
    }

    @Override
    public void getBytes(long pos, byte[] dst, int off, int len) {
        while (len > 0) {
            int c = (int) (pos >>> shift);
            int at = (int) (pos & mask);
            int n = (int) Math.min(len, mask + 1 - at);
            chunks[c].get(at, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }
}
