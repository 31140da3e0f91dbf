package io.tartan.format.codec;

import io.tartan.format.IndexFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How the codec file stores the centroid matrix (FORMAT.md "Codec file", {@code centroid_dtype}).
 *
 * <p>{@link #INT8} is what {@link ResidualCodec#train} produces: each centroid row is {@code scale · q} with
 * {@code q_d = round(c_d · 127 / max|c|)} in {@code [-127, 127]} and one float32 {@code scale} per row, the least-squares
 * one ({@code c·q / q·q}). That scale leaves the rounding error orthogonal to {@code q}, so the row keeps its length and
 * a query token's score against it ({@code ≈ 0.8} for the cells a search probes, mostly along {@code c}) moves far
 * less than with {@code max|c| / 127}, which is what decides the cells a search probes. It costs {@code dim + 4}
 * bytes a centroid instead of {@code 4·dim}. The codec computes residuals against these stored values (not the
 * float32 k-means output), so what a reader reconstructs, {@code c + weights[bucket]}, is exactly what the writer
 * quantised: centroid precision only moves the residual that the buckets encode, by at most {@code scale / 2} per
 * dimension (≈ 0.001 for unit rows at dim 128, against residuals of ≈ 0.04).
 */
public enum CentroidDtype {
    FLOAT32(0),
    FLOAT16(1),
    INT8(2);

    private final int id;

    CentroidDtype(int id) {
        this.id = id;
    }

    /** The {@code centroid_dtype} number in the codec file. */
    public int id() {
        return id;
    }

    public static CentroidDtype ofId(int id, String fileName) {
        for (CentroidDtype d : values()) {
            if (d.id == id) {
                return d;
            }
        }
        throw new IndexFormatException(fileName + ": unknown centroid dtype " + id);
    }

    /** Bytes that {@code k} centroids of {@code dim} take in this dtype. */
    public long bytes(int k, int dim) {
        return switch (this) {
            case FLOAT32 -> 4L * k * dim;
            case FLOAT16 -> 2L * k * dim;
            case INT8 -> (long) k * (dim + 4);
        };
    }

    /** The values a reader gets back for {@code centroids} stored in this dtype. */
    public float[] round(float[] centroids, int dim) {
        return decode(encode(centroids, dim), centroids.length / dim, dim);
    }

    /** {@code centroids} ({@code k × dim}, row-major) as the bytes of the codec file's centroid block. */
    public byte[] encode(float[] centroids, int dim) {
        int k = centroids.length / dim;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(bytes(k, dim))).order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case FLOAT32 -> {
                for (float c : centroids) {
                    buf.putFloat(c);
                }
            }
            case FLOAT16 -> {
                for (float c : centroids) {
                    buf.putShort(Float16.fromFloat(c));
                }
            }
            case INT8 -> {
                byte[] q = new byte[k * dim];
                for (int c = 0; c < k; c++) {
                    float max = 0;
                    for (int d = 0; d < dim; d++) {
                        max = Math.max(max, Math.abs(centroids[c * dim + d]));
                    }
                    float step = max / 127f;
                    double cq = 0;
                    double qq = 0;
                    for (int d = 0; d < dim; d++) {
                        float v = centroids[c * dim + d];
                        int qi = step == 0 ? 0 : Math.max(-127, Math.min(127, Math.round(v / step)));
                        q[c * dim + d] = (byte) qi;
                        cq += (double) v * qi;
                        qq += (double) qi * qi;
                    }
                    buf.putFloat(qq == 0 ? 0f : (float) (cq / qq));
                }
                buf.put(q);
            }
            default -> throw new AssertionError(this);
        }
        return buf.array();
    }

    /** Decodes a centroid block of {@code k × dim} centroids. */
    public float[] decode(byte[] block, int k, int dim) {
        if (block.length != bytes(k, dim)) {
            throw new IllegalArgumentException(this + " block of " + k + " × " + dim + " centroids must have "
                    + bytes(k, dim) + " bytes, got " + block.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[Math.multiplyExact(k, dim)];
        switch (this) {
            case FLOAT32 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = buf.getFloat();
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float16.toFloat(buf.getShort());
                }
            }
            case INT8 -> {
                float[] scales = new float[k];
                for (int c = 0; c < k; c++) {
                    scales[c] = buf.getFloat();
                }
                for (int c = 0; c < k; c++) {
                    for (int d = 0; d < dim; d++) {
                        out[c * dim + d] = buf.get() * scales[c];
                    }
                }
            }
            default -> throw new AssertionError(this);
        }
        return out;
    }
}
