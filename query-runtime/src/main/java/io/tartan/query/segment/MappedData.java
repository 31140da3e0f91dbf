package io.tartan.query.segment;

import java.nio.IntBuffer;

/**
 * Read-only random access to a file's bytes at {@code long} positions, little-endian. Element reads
 * ({@link #getInt}, {@link #getLong}, {@link #getFloat}) take positions aligned to the element size; bulk reads may
 * start anywhere their element size allows and may cross the implementation's internal boundaries. The search hot
 * path copies one document's tokens (or one IVF block) per bulk read into per-query scratch arrays, so the kernels
 * keep working on plain arrays and never make a call per element; stage 3, which reads only one int a token, reads
 * the cells in place through {@link #ints} instead.
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

    /**
     * A view whose ints {@link #intIndex}{@code (pos) …} are the {@code len} ints starting at byte {@code pos} (a
     * multiple of 4), so a kernel can read them in place; null where they straddle an internal boundary of the
     * implementation (the caller then copies them with {@link #getInts}). Do not change the view's position or limit.
     */
    IntBuffer ints(long pos, int len);

    /** The index of byte {@code pos} (a multiple of 4) in the view {@link #ints} returns for it. */
    int intIndex(long pos);
}
