package io.tartan.query.segment;

/**
 * Read-only random access to a file's bytes at {@code long} positions, little-endian. Element reads
 * ({@link #getInt}, {@link #getLong}, {@link #getFloat}) take positions aligned to the element size; bulk reads may
 * start anywhere their element size allows and may cross the implementation's internal boundaries. The search hot
 * path copies one document's tokens (or one IVF block) per bulk read into per-query scratch arrays, so the kernels
 * keep working on plain arrays and never make a call per element.
 */
public interface MappedData {
    long length();

    byte getByte(long pos);

    int getInt(long pos);

    long getLong(long pos);

    float getFloat(long pos);

    /** Copies {@code len} ints starting at byte {@code pos} (a multiple of 4) to {@code dst[off ..]}. */
    void getInts(long pos, int[] dst, int off, int len);

    /** Copies {@code len} floats starting at byte {@code pos} (a multiple of 4) to {@code dst[off ..]}. */
    void getFloats(long pos, float[] dst, int off, int len);

    void getBytes(long pos, byte[] dst, int off, int len);
}
