package io.tartan.query.segment;

import io.tartan.format.kmeans.CentroidGrouping;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The layout of a centroid grouping cache file (FORMAT.md "Serving cache", 10.4): the grouping of an index's
 * centroids that FAST search's {@code ngroups} uses, kept so that k-means over the centroids runs once per set of
 * centroids, not at every server start. Only the group centres and the group of each centroid are stored: the
 * member lists follow from the group ids ({@link CentroidGrouping#of(float[], int, int[])}) and the member vectors
 * are the codec's.
 *
 * <pre>
 * offset size  field
 *   0      4   magic "TGRP"
 *   4      4   u32 layout version (1)
 *   8      4   u32 CRC32C of the centroids the grouping was made from ({@link #centroidsCrc})
 *  12      4   u32 dim          16  4  u32 num_centroids (k)   20  4  u32 groups (g)
 *  24      4   u32 grouping algorithm version ({@link CentroidGrouping#ALGORITHM_VERSION})
 *  28      4   zero
 *  32      8   u64 seed
 *  40      4   u32 CRC32C of the body
 *  44     80   zero
 * 124      4   u32 CRC32C of header bytes 0 … 123
 * 128          f32[g × dim] group centres, then i32[k] group of each centroid
 * </pre>
 *
 * Everything the header records is the file's key: a reader compares it with what it would build from, field by
 * field, instead of trusting the file's name. The key names the centroids by a checksum of their values, not by the
 * manifest checksum of the codec file: a codec file ends with the CRC32C of what precedes it (FORMAT.md section 5),
 * so the CRC32C of the whole file is the same for every codec and only its size tells two codecs apart.
 */
public final class CentroidGroupingFile {
    public static final int MAGIC = 0x50524754; // "TGRP" little-endian
    /** Layout version: bump it with any change to the layout, so that readers rebuild files of the old one. */
    public static final int VERSION = 1;
    public static final int HEADER = 128;

    /**
     * What a grouping is made from and with: the centroids (by checksum and shape) and the parameters of
     * {@link CentroidGrouping#of(float[], int, int, long)}.
     */
    public record Key(int centroidsCrc, int dim, int numCentroids, int groups, int algorithm, long seed) {
        /** Length of the file of a grouping with this key. */
        long fileLength() {
            return HEADER + 4L * groups * dim + 4L * numCentroids;
        }
    }

    private CentroidGroupingFile() {
    }

    /**
     * CRC32C of {@code centroids} as little-endian float32 bit patterns: identifies the centroids a grouping belongs
     * to (a few ms for 16 MB, against seconds of k-means).
     */
    public static int centroidsCrc(float[] centroids) {
        CRC32C crc = new CRC32C();
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < centroids.length; ) {
            int n = Math.min(centroids.length - i, b.capacity() / 4);
            b.clear();
            b.asFloatBuffer().put(centroids, i, n);
            b.limit(4 * n);
            crc.update(b);
            i += n;
        }
        return (int) crc.getValue();
    }

    /** The whole file of {@code g}, made with {@code key}. */
    static byte[] encode(Key key, CentroidGrouping g) {
        if (g.groups() != key.groups() || g.numCentroids() != key.numCentroids() || g.dim() != key.dim()) {
            throw new IllegalArgumentException("grouping of " + g.numCentroids() + " centroids into " + g.groups()
                    + " groups of dim " + g.dim() + " does not fit " + key);
        }
        ByteBuffer b = ByteBuffer.allocate((int) key.fileLength()).order(ByteOrder.LITTLE_ENDIAN);
        b.position(HEADER);
        for (float v : g.centres()) {
            b.putFloat(v);
        }
        for (int c : g.groupOf()) {
            b.putInt(c);
        }
        CRC32C body = new CRC32C();
        body.update(b.array(), HEADER, b.capacity() - HEADER);
        b.position(0);
        b.putInt(MAGIC).putInt(VERSION).putInt(key.centroidsCrc()).putInt(key.dim()).putInt(key.numCentroids())
                .putInt(key.groups()).putInt(key.algorithm());
        b.position(32);
        b.putLong(key.seed()).putInt((int) body.getValue());
        CRC32C header = new CRC32C();
        header.update(b.array(), 0, HEADER - 4);
        b.putInt(HEADER - 4, (int) header.getValue());
        return b.array();
    }

    /**
     * The grouping in {@code file}, if it is a whole, uncorrupted grouping file of this layout made with exactly
     * {@code want}.
     *
     * @throws StaleSegmentException naming {@code what} if any check fails: the caller rebuilds the file
     */
    static CentroidGrouping decode(byte[] file, Key want, String what) {
        if (file.length < HEADER) {
            throw new StaleSegmentException(what + ": " + file.length + " bytes, shorter than the " + HEADER
                    + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw new StaleSegmentException(what + ": not a centroid grouping file (bad magic)");
        }
        if (b.getInt(4) != VERSION) {
            throw new StaleSegmentException(what + ": layout version " + b.getInt(4) + ", this reader writes "
                    + VERSION);
        }
        CRC32C crc = new CRC32C();
        crc.update(file, 0, HEADER - 4);
        if ((int) crc.getValue() != b.getInt(HEADER - 4)) {
            throw new StaleSegmentException(what + ": header checksum mismatch");
        }
        Key got = new Key(b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20), b.getInt(24), b.getLong(32));
        if (!got.equals(want)) {
            throw new StaleSegmentException(what + ": made with " + got + ", wanted " + want);
        }
        if (file.length != want.fileLength()) {
            throw new StaleSegmentException(what + ": " + file.length + " bytes, its header implies "
                    + want.fileLength() + " (truncated or overwritten)");
        }
        crc.reset();
        crc.update(file, HEADER, file.length - HEADER);
        if ((int) crc.getValue() != b.getInt(40)) {
            throw new StaleSegmentException(what + ": body checksum mismatch");
        }
        float[] centres = new float[want.groups() * want.dim()];
        b.position(HEADER);
        b.asFloatBuffer().get(centres);
        int[] groupOf = new int[want.numCentroids()];
        b.position(HEADER + 4 * centres.length);
        b.asIntBuffer().get(groupOf);
        try {
            return CentroidGrouping.of(centres, want.dim(), groupOf);
        } catch (IllegalArgumentException e) {
            // only a writer's bug gets past the body checksum with a bad id, but the file is still not to be used
            throw new StaleSegmentException(what + ": " + e.getMessage());
        }
    }
}
