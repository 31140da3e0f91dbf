package io.tartan.format.codec;

import io.tartan.format.io.BinaryFile;

import java.nio.ByteBuffer;

/**
 * Reads and writes the codec file ({@code codec/*.tcodec}, FORMAT.md "Codec file"):
 * <pre>
 * header   "TCDC" major minor reserved
 * int32    dim
 * int32    nbits
 * int32    num_centroids (k)
 * int32    centroid_dtype      0 = float32, 1 = float16
 * k·dim    centroids           row-major, float32 or float16
 * dim      avg_residual        float32
 * 2^nbits−1 bucket_cutoffs     float32, ascending
 * 2^nbits  bucket_weights      float32, ascending
 * footer   crc32c "TCDC"
 * </pre>
 */
public final class CodecFile {
    public static final String MAGIC = "TCDC";
    public static final int DTYPE_FLOAT32 = 0;
    public static final int DTYPE_FLOAT16 = 1;

    private CodecFile() {
    }

    public static byte[] write(ResidualCodec codec, boolean float16Centroids) {
        int dim = codec.dim();
        int k = codec.numCentroids();
        int nb = 1 << codec.nbits();
        int centroidBytes = k * dim * (float16Centroids ? 2 : 4);
        ByteBuffer buf = BinaryFile.begin(MAGIC, 16 + centroidBytes + 4 * (dim + nb - 1 + nb));
        buf.putInt(dim).putInt(codec.nbits()).putInt(k).putInt(float16Centroids ? DTYPE_FLOAT16 : DTYPE_FLOAT32);
        for (float c : codec.centroids()) {
            if (float16Centroids) {
                buf.putShort(Float16.fromFloat(c));
            } else {
                buf.putFloat(c);
            }
        }
        putAll(buf, codec.avgResidual());
        putAll(buf, codec.bucketCutoffs());
        putAll(buf, codec.bucketWeights());
        return BinaryFile.finish(buf, MAGIC);
    }

    public static ResidualCodec read(byte[] bytes, String fileName) {
        ByteBuffer buf = BinaryFile.open(bytes, MAGIC, fileName);
        int dim = buf.getInt();
        int nbits = buf.getInt();
        int k = buf.getInt();
        int dtype = buf.getInt();
        if (dtype != DTYPE_FLOAT32 && dtype != DTYPE_FLOAT16) {
            throw new io.tartan.format.IndexFormatException(fileName + ": unknown centroid dtype " + dtype);
        }
        float[] centroids = new float[Math.multiplyExact(k, dim)];
        for (int i = 0; i < centroids.length; i++) {
            centroids[i] = dtype == DTYPE_FLOAT16 ? Float16.toFloat(buf.getShort()) : buf.getFloat();
        }
        float[] avg = getAll(buf, dim);
        float[] cutoffs = getAll(buf, (1 << nbits) - 1);
        float[] weights = getAll(buf, 1 << nbits);
        if (buf.remaining() != 0) {
            throw new io.tartan.format.IndexFormatException(fileName + ": " + buf.remaining() + " unexpected trailing bytes");
        }
        return new ResidualCodec(dim, nbits, centroids, avg, cutoffs, weights);
    }

    private static void putAll(ByteBuffer buf, float[] a) {
        for (float f : a) {
            buf.putFloat(f);
        }
    }

    private static float[] getAll(ByteBuffer buf, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = buf.getFloat();
        }
        return a;
    }
}
