package io.tartan.format.parquet;

import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import io.tartan.format.UnsupportedFormatException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;

/**
 * Page decompression for Parquet readers without Hadoop: parquet-java's own codec factories instantiate Hadoop's
 * {@code CompressionCodec}s. Pure-Java decoders (aircompressor, java.util.zip) cover the codecs shard writers use
 * (ZSTD by default, FORMAT.md "Shards") and the common others; any other codec is rejected by name.
 */
final class ZeroHadoopCodecs implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
        throw new UnsupportedOperationException("read-only codec factory: " + codecName);
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
        return switch (codecName) {
            case UNCOMPRESSED -> new Decompressor((in, out) -> System.arraycopy(in, 0, out, 0, out.length));
            case ZSTD -> new Decompressor((in, out) -> exact(new ZstdDecompressor().decompress(in, 0, in.length, out, 0,
                    out.length), out, codecName));
            case SNAPPY -> new Decompressor((in, out) -> exact(new SnappyDecompressor().decompress(in, 0, in.length,
                    out, 0, out.length), out, codecName));
            case GZIP -> new Decompressor((in, out) -> {
                try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(in))) {
                    exact(z.readNBytes(out, 0, out.length), out, codecName);
                }
            });
            default -> throw new UnsupportedFormatException("Parquet pages compressed with " + codecName
                    + " cannot be read without Hadoop; rewrite the shard with ZSTD, SNAPPY, GZIP or none");
        };
    }

    private static void exact(int n, byte[] out, CompressionCodecName codec) throws IOException {
        if (n != out.length) {
            throw new IOException(codec + " page decompressed to " + n + " bytes, its header says " + out.length);
        }
    }

    @Override
    public void release() {
    }

    private interface Decoder {
        void decode(byte[] in, byte[] out) throws IOException;
    }

    private record Decompressor(Decoder decoder) implements BytesInputDecompressor {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            byte[] out = new byte[uncompressedSize];
            decoder.decode(bytes.toByteArray(), out);
            return BytesInput.from(out);
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.duplicate().get(in);
            byte[] out = new byte[uncompressedSize];
            decoder.decode(in, out);
            output.put(out);
        }

        @Override
        public void release() {
        }
    }
}
