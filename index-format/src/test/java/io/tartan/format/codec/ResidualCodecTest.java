package io.tartan.format.codec;

import io.tartan.format.CorruptFileException;
import io.tartan.format.TestVectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResidualCodecTest {
    @ParameterizedTest
    @CsvSource({"1,8", "2,8", "4,8", "1,64", "2,64", "4,64", "1,128", "2,128", "4,128", "2,96"})
    void roundTripErrorIsBoundedByBucketWidth(int nbits, int dim) {
        Random rnd = new Random(31L * nbits + dim);
        float[] centroids = TestVectors.unitRows(rnd, 16, dim);
        float[] sample = TestVectors.clustered(rnd, centroids, dim, 2000, 0.5f, null);
        ResidualCodec codec = ResidualCodec.train(dim, nbits, centroids, sample, null);
        float[] stored = codec.centroids();
        float[] cut = codec.bucketCutoffs();
        float[] w = codec.bucketWeights();
        for (int i = 1; i < cut.length; i++) {
            assertTrue(cut[i] >= cut[i - 1], "cutoffs ascending");
        }

        float[] docs = TestVectors.clustered(rnd, centroids, dim, 500, 0.5f, null);
        ResidualCodec.Compressed c = codec.compress(docs);
        assertEquals(500 * dim * nbits / 8, c.residuals().length);
        // before normalisation, c + w[bucket] differs from the input by at most the width of the residual's bucket
        // (inner buckets) or by the distance to the outer weight (open-ended buckets)
        int[] buckets = new int[dim];
        double sumCos = 0;
        float[] out = codec.decompress(c.codes(), c.residuals());
        for (int t = 0; t < 500; t++) {
            ResidualPacking.unpack(c.residuals(), t * codec.bytesPerToken(), dim, nbits, buckets, 0);
            int code = c.codes()[t];
            for (int d = 0; d < dim; d++) {
                float r = docs[t * dim + d] - stored[code * dim + d];
                int b = buckets[d];
                float lo = b == 0 ? Math.min(r, w[0]) : cut[b - 1];
                float hi = b == w.length - 1 ? Math.max(r, w[b]) : cut[b];
                assertTrue(r >= lo - 1e-6f && r <= hi + 1e-6f, "residual in its bucket");
                assertTrue(Math.abs(r - w[b]) <= (hi - lo) + 1e-6f, "error within bucket width");
            }
            float dot = 0;
            for (int d = 0; d < dim; d++) {
                dot += out[t * dim + d] * docs[t * dim + d];
            }
            sumCos += dot;
        }
        // more bits, less loss: mean cosine between decompressed and original tokens
        double meanCos = sumCos / 500;
        System.out.printf("nbits %d dim %d mean cosine %.4f%n", nbits, dim, meanCos);
        double floor = nbits == 1 ? 0.95 : nbits == 2 ? 0.98 : 0.995;
        assertTrue(meanCos > floor, "mean cosine " + meanCos + " for nbits " + nbits + " dim " + dim);
    }

    @Test
    void assignsNearestCentroidAndDecompressesToUnitLength() {
        Random rnd = new Random(5);
        int dim = 32;
        float[] centroids = TestVectors.unitRows(rnd, 8, dim);
        int[] truth = new int[200];
        float[] docs = TestVectors.clustered(rnd, centroids, dim, 200, 0.2f, truth);
        ResidualCodec codec = ResidualCodec.train(dim, 2, centroids, docs, null);
        assertArrayEquals(truth, codec.assign(docs));
        float[] out = codec.decompress(codec.assign(docs), codec.compress(docs, codec.assign(docs)));
        for (int t = 0; t < 200; t++) {
            double n = 0;
            for (int d = 0; d < dim; d++) {
                n += out[t * dim + d] * out[t * dim + d];
            }
            assertEquals(1.0, n, 1e-4);
        }
    }

    @Test
    void quantilesInterpolateLikeTorch() {
        float[] sorted = {0, 1, 2, 3};
        assertEquals(1.5f, ResidualCodec.quantile(sorted, 0.5), 1e-6);
        assertEquals(0.75f, ResidualCodec.quantile(sorted, 0.25), 1e-6);
        assertEquals(3f, ResidualCodec.quantile(sorted, 1.0), 1e-6);
    }

    @Test
    void codecFileRoundTripsExactlyAndDetectsCorruption() {
        Random rnd = new Random(9);
        float[] centroids = TestVectors.unitRows(rnd, 300, 16);
        ResidualCodec codec = ResidualCodec.train(16, 4, centroids, TestVectors.clustered(rnd, centroids, 16, 1000, 0.4f, null), null);
        assertEquals(2, codec.codeWidth());
        assertEquals(CentroidDtype.INT8, codec.centroidDtype(), "trained codecs store int8 centroids");
        byte[] file = CodecFile.write(codec);
        assertEquals(8 + 16 + 300 * (16 + 4) + 4 * (16 + 15 + 16) + 8, file.length, "int8 centroids: dim + 4 bytes each");
        // the flag cannot widen int8 centroids: the same bytes either way
        assertArrayEquals(file, CodecFile.write(codec, false));
        assertArrayEquals(file, CodecFile.write(codec, true));
        ResidualCodec back = CodecFile.read(file, "c.tcodec");
        assertEquals(CentroidDtype.INT8, back.centroidDtype());
        assertArrayEquals(codec.centroids(), back.centroids(), "a reader gets exactly the centroids residuals were taken against");
        assertArrayEquals(codec.bucketWeights(), back.bucketWeights());
        assertArrayEquals(codec.bucketCutoffs(), back.bucketCutoffs());
        assertArrayEquals(codec.avgResidual(), back.avgResidual());
        float[] docs = TestVectors.clustered(rnd, centroids, 16, 50, 0.4f, null);
        ResidualCodec.Compressed c = codec.compress(docs);
        assertArrayEquals(codec.decompress(c.codes(), c.residuals()), back.decompress(c.codes(), c.residuals()));
        assertArrayEquals(file, CodecFile.write(back), "rewriting a read codec gives the same file");

        file[100] ^= 0x10;
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> CodecFile.read(file, "bad.tcodec"));
        assertTrue(e.getMessage().contains("bad.tcodec"), e.getMessage());
    }

    @Test
    void float32CodecsWriteFloat32OrLossyFloat16() {
        Random rnd = new Random(10);
        float[] centroids = TestVectors.unitRows(rnd, 40, 16);
        ResidualCodec codec = ResidualCodec.train(16, 2, CentroidDtype.FLOAT32, centroids,
                TestVectors.clustered(rnd, centroids, 16, 500, 0.4f, null), null);
        assertArrayEquals(centroids, codec.centroids());
        ResidualCodec back = CodecFile.read(CodecFile.write(codec, false), "c.tcodec");
        assertEquals(CentroidDtype.FLOAT32, back.centroidDtype());
        assertArrayEquals(centroids, back.centroids());
        ResidualCodec half = CodecFile.read(CodecFile.write(codec, true), "h.tcodec");
        assertEquals(CentroidDtype.FLOAT16, half.centroidDtype());
        for (int i = 0; i < centroids.length; i++) {
            assertEquals(centroids[i], half.centroids()[i], 1e-3);
        }
        ResidualCodec f16 = ResidualCodec.train(16, 2, CentroidDtype.FLOAT16, centroids,
                TestVectors.clustered(rnd, centroids, 16, 500, 0.4f, null), null);
        assertArrayEquals(f16.centroids(), CodecFile.read(CodecFile.write(f16, false), "f.tcodec").centroids());
    }

    @Test
    void int8CentroidsHaveOneLeastSquaresScalePerRow() {
        float[] rows = {0.5f, -0.3f, 0.1f, 0f, /* second row */ 0f, 0f, 0f, 0f};
        byte[] block = CentroidDtype.INT8.encode(rows, 4);
        // scales first (float32 LE), then the int8 rows: q = round(c · 127 / max|c|)
        assertEquals(2 * 4 + 2 * 4, block.length);
        assertArrayEquals(new byte[] {127, -76, 25, 0, 0, 0, 0, 0}, Arrays.copyOfRange(block, 8, 16));
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(block).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float scale = (float) ((0.5f * 127.0 + 0.3f * 76.0 + 0.1f * 25.0) / (127 * 127 + 76 * 76 + 25 * 25)); // c·q / q·q
        assertEquals(scale, buf.getFloat(0));
        assertEquals(0f, buf.getFloat(4), "a zero row has scale 0");
        float[] back = CentroidDtype.INT8.decode(block, 2, 4);
        assertEquals(127 * scale, back[0]);
        assertEquals(-76 * scale, back[1]);
        assertEquals(0f, back[4]);

        Random rnd = new Random(3);
        float[] unit = TestVectors.unitRows(rnd, 200, 128);
        float[] r = CentroidDtype.INT8.round(unit, 128);
        for (int c = 0; c < 200; c++) {
            float max = 0;
            double errDotRow = 0;
            double rowNorm = 0;
            for (int d = 0; d < 128; d++) {
                max = Math.max(max, Math.abs(unit[c * 128 + d]));
                errDotRow += (unit[c * 128 + d] - r[c * 128 + d]) * (double) r[c * 128 + d];
                rowNorm += (double) r[c * 128 + d] * r[c * 128 + d];
            }
            for (int d = 0; d < 128; d++) {
                assertEquals(unit[c * 128 + d], r[c * 128 + d], max / 127, "within a step (half a step of rounding, plus the scale change)");
            }
            // least squares: the rounding error is orthogonal to the stored row, so the row keeps its length
            assertEquals(0, errDotRow, 1e-6, "row " + c);
            assertEquals(1, Math.sqrt(rowNorm), 1e-3, "row " + c);
        }
    }

    @Test
    void unknownCentroidDtypeIsRejected() {
        Random rnd = new Random(4);
        float[] centroids = TestVectors.unitRows(rnd, 4, 8);
        byte[] file = CodecFile.write(new ResidualCodec(8, 2, centroids, new float[8], new float[] {-1, 0, 1},
                new float[] {-1, -0.5f, 0.5f, 1}));
        java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(8 + 12, 7);
        byte[] refooted = io.tartan.format.io.BinaryFile.finish(
                java.nio.ByteBuffer.wrap(Arrays.copyOf(file, file.length)).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .position(file.length - 8), CodecFile.MAGIC);
        var e = assertThrows(io.tartan.format.IndexFormatException.class, () -> CodecFile.read(refooted, "x.tcodec"));
        assertTrue(e.getMessage().contains("x.tcodec") && e.getMessage().contains("dtype 7"), e.getMessage());
        byte[] badNbits = CodecFile.write(new ResidualCodec(8, 2, centroids, new float[8], new float[] {-1, 0, 1},
                new float[] {-1, -0.5f, 0.5f, 1}));
        java.nio.ByteBuffer.wrap(badNbits).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(8 + 4, 40);
        byte[] refooted2 = io.tartan.format.io.BinaryFile.finish(java.nio.ByteBuffer.wrap(badNbits)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).position(badNbits.length - 8), CodecFile.MAGIC);
        var e2 = assertThrows(io.tartan.format.IndexFormatException.class, () -> CodecFile.read(refooted2, "y.tcodec"));
        assertTrue(e2.getMessage().contains("y.tcodec") && e2.getMessage().contains("nbits"), e2.getMessage());
    }

    @Test
    void rejectsBadInput() {
        Random rnd = new Random(1);
        float[] centroids = TestVectors.unitRows(rnd, 4, 16);
        ResidualCodec codec = ResidualCodec.train(16, 2, centroids, TestVectors.unitRows(rnd, 50, 16), null);
        IllegalArgumentException wrongDim = assertThrows(IllegalArgumentException.class, () -> codec.compress(new float[20]));
        assertTrue(wrongDim.getMessage().contains("wrong dim"), wrongDim.getMessage());
        float[] nan = TestVectors.unitRows(rnd, 2, 16);
        nan[17] = Float.NaN;
        IllegalArgumentException nanErr = assertThrows(IllegalArgumentException.class, () -> codec.compress(nan));
        assertTrue(nanErr.getMessage().contains("token 1"), nanErr.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ResidualCodec.train(16, 3, centroids, TestVectors.unitRows(rnd, 5, 16), null));
        assertThrows(IllegalArgumentException.class, () -> ResidualCodec.train(16, 2, centroids, new float[0], null));
        assertThrows(IllegalArgumentException.class, () -> codec.compress(TestVectors.unitRows(rnd, 1, 16), new int[] {99}));
    }

    @Test
    void centroidCodesUseSmallestWidth() {
        assertEquals(1, CentroidCodes.width(256));
        assertEquals(2, CentroidCodes.width(257));
        assertEquals(2, CentroidCodes.width(65536));
        assertEquals(4, CentroidCodes.width(65537));
    }

    @Test
    void float16RoundTrip() {
        for (float f : new float[] {0f, -0f, 1f, -2.5f, 0.333f, 65504f, 6.1e-5f, 1e-7f}) {
            float back = Float16.toFloat(Float16.fromFloat(f));
            assertEquals(f, back, Math.max(Math.abs(f) * 1e-3f, 1e-7f), "value " + f);
        }
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat(Float16.fromFloat(1e6f)));
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
    }
}
