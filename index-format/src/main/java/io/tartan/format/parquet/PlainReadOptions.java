package io.tartan.format.parquet;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;

import java.lang.reflect.Constructor;
import java.util.Map;

/**
 * {@link ParquetReadOptions} built without Hadoop on the class path. parquet-java's public builder (1.17) reads its
 * record filter through {@code ParquetInputFormat}, a subclass of Hadoop's {@code FileInputFormat}, so merely creating
 * the builder needs hadoop-mapreduce-client-core and hadoop-common (apache/parquet-java#3780). The options object itself
 * needs neither; its constructor is package-private, so it is called reflectively with the builder's defaults and
 * {@link ZeroHadoopCodecs} in place of Hadoop's codecs. The query runtime's tests open indexes on a class path without
 * Hadoop, so a parquet-java release that changes the constructor fails them, not a server at run time.
 */
public final class PlainReadOptions {
    // the builder's default maximum allocation (parquet.read.allocation.size)
    private static final int MAX_ALLOCATION = 8 << 20;

    private PlainReadOptions() {
    }

    /** Options for reading whole files: no filters, page checksums verified, decompression by {@link ZeroHadoopCodecs}. */
    public static ParquetReadOptions create() {
        CompressionCodecFactory codecs = new ZeroHadoopCodecs();
        try {
            Constructor<ParquetReadOptions> c = ParquetReadOptions.class.getDeclaredConstructor(
                    boolean.class, boolean.class, boolean.class, boolean.class, boolean.class, boolean.class,
                    boolean.class, boolean.class, boolean.class, FilterCompat.Filter.class,
                    ParquetMetadataConverter.MetadataFilter.class, CompressionCodecFactory.class,
                    org.apache.parquet.bytes.ByteBufferAllocator.class, int.class, Map.class,
                    org.apache.parquet.crypto.FileDecryptionProperties.class,
                    org.apache.parquet.hadoop.ParquetMetricsCallback.class,
                    org.apache.parquet.conf.ParquetConfiguration.class);
            c.setAccessible(true);
            return c.newInstance(
                    false, // useSignedStringMinMax
                    false, // useStatsFilter: whole files are read, there is nothing to skip
                    false, // useDictionaryFilter
                    false, // useRecordFilter
                    false, // useColumnIndexFilter
                    true,  // usePageChecksumVerification
                    false, // useBloomFilter
                    false, // useOffHeapDecryptBuffer
                    false, // useHadoopVectoredIo
                    FilterCompat.NOOP, ParquetMetadataConverter.NO_FILTER, codecs, new HeapByteBufferAllocator(),
                    MAX_ALLOCATION, Map.of(), null, null, new PlainParquetConfiguration());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this parquet-java release has no ParquetReadOptions constructor of 1.17's"
                    + " shape; update PlainReadOptions (see apache/parquet-java#3780)", e);
        }
    }
}
