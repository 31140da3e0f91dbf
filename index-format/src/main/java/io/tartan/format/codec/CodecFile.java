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
 * int32    centroid_dtype      0 = float32, 1 = float16, 2 = int8 (see {@link CentroidDtype})
 * ...      centroids           k·dim float32 | k·dim float16 | k float32 scales then k·dim int8, row-major
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
    public static final int DTYPE_INT8 = 2;

    private CodecFile() {
    }

    /** Writes the codec with its centroids in the codec's own dtype: a reader gets back exactly this codec. */
    public static byte[] write(ResidualCodec codec) {
        return write(codec, codec.centroidDtype());
    }

    /**
     * Writes the codec; {@code float16Centroids} asks for float16 centroids for a codec whose centroids are float32
     * (lossy: such a codec's residuals were taken against the float32 values). A codec whose centroids are already
     * narrower (a trained codec's int8, or float16) is written in that dtype whatever the flag, since writing it
     * wider would store the same values in more bytes. Prefer {@link #write(ResidualCodec)}.
     */
    public static byte[] write(ResidualCodec codec, boolean float16Centroids) {
        CentroidDtype own = codec.centroidDtype();
        return write(codec, own == CentroidDtype.FLOAT32 && float16Centroids ? CentroidDtype.FLOAT16 : own);
    }

    private static byte[] write(ResidualCodec codec, CentroidDtype dtype) {
        int dim = codec.dim();
        int k = codec.numCentroids();
        int nb = 1 << codec.nbits();
        byte[] block = dtype == codec.centroidDtype() ? codec.centroidBlock() : dtype.encode(codec.centroids(), dim);
        ByteBuffer buf = BinaryFile.begin(MAGIC, 16 + block.length + 4 * (dim + nb - 1 + nb));
        buf.putInt(dim).putInt(codec.nbits()).putInt(k).putInt(dtype.id());
        buf.put(block);
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
        CentroidDtype dtype = CentroidDtype.ofId(buf.getInt(), fileName);
        try {
            ResidualPacking.requireSupported(dim, nbits);
        } catch (IllegalArgumentException e) {
            throw new io.tartan.format.IndexFormatException(fileName + ": " + e.getMessage(), e);
        }
        if (k <= 0 || dtype.bytes(k, dim) > buf.remaining()) {
            throw new io.tartan.format.IndexFormatException(fileName + ": " + k + " centroids of dim " + dim
                    + " do not fit in the file");
        }
        byte[] block = new byte[(int) dtype.bytes(k, dim)];
        buf.get(block);
        float[] avg = getAll(buf, dim);
        float[] cutoffs = getAll(buf, (1 << nbits) - 1);
        float[] weights = getAll(buf, 1 << nbits);
        if (buf.remaining() != 0) {
            throw new io.tartan.format.IndexFormatException(fileName + ": " + buf.remaining() + " unexpected trailing bytes");
        }
        try {
            return ResidualCodec.fromBlock(dim, nbits, dtype, block, k, avg, cutoffs, weights);
        } catch (IllegalArgumentException e) {
            throw new io.tartan.format.IndexFormatException(fileName + ": " + e.getMessage(), e);
        }
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
