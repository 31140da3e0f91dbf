package io.tartan.format;

import io.tartan.format.codec.CodecFile;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.io.Checksums;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.manifest.Summary;
import org.apache.hadoop.conf.Configuration;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * The last step of a full build, shared by every writer (the local writer, the Spark job): write the codec (and the
 * IVF, unless its files are written already), then commit manifest version 1 over the shards already written. Until
 * the manifest is committed nothing is visible, so a build that fails before this leaves only orphan files for
 * garbage collection.
 */
public final class BuildCommit {
    private static final SecureRandom IDS = new SecureRandom();

    private BuildCommit() {
    }

    public static Manifest commit(Configuration conf, IndexLayout layout, IndexSettings settings, ResidualCodec codec,
            List<DataFile> shards, List<DataFile> textIndexes, Ivf ivf, Map<String, String> properties) {
        return commit(conf, layout, settings, codec, shards, textIndexes, List.of(writeIvf(conf, layout, ivf)),
                properties);
    }

    /**
     * As above, over IVF files already written (a distributed build writes one per shard, each covering its pids;
     * the snapshot's IVF is their union).
     */
    public static Manifest commit(Configuration conf, IndexLayout layout, IndexSettings settings, ResidualCodec codec,
            List<DataFile> shards, List<DataFile> textIndexes, List<DataFile> ivfFiles,
            Map<String, String> properties) {
        DataFile codecFile = writeBinary(conf, layout, IndexLayout.newCodecPath(), DataFile.CODEC,
                CodecFile.write(codec), 0, 0);
        long docs = shards.stream().mapToLong(DataFile::recordCount).sum();
        long tokens = shards.stream().mapToLong(DataFile::tokenCount).sum();
        long bytes = codecFile.sizeBytes() + ivfFiles.stream().mapToLong(DataFile::sizeBytes).sum()
                + shards.stream().mapToLong(DataFile::sizeBytes).sum()
                + textIndexes.stream().mapToLong(DataFile::sizeBytes).sum();
        Summary summary = new Summary(docs, docs, 0, tokens, bytes, docs);
        Manifest m = Manifest.create(1, 1 + (IDS.nextLong() & (Long.MAX_VALUE - 1)), null, System.currentTimeMillis(),
                Manifest.OP_BUILD, settings, codecFile, shards, ivfFiles, List.of(), textIndexes, summary,
                properties);
        new ManifestStore(conf, layout).commit(m);
        return m;
    }

    /** Writes {@code ivf} as a new IVF file of the index; the manifest entry for it. */
    public static DataFile writeIvf(Configuration conf, IndexLayout layout, Ivf ivf) {
        return writeBinary(conf, layout, IndexLayout.newIvfPath(), DataFile.IVF, IvfFile.write(ivf),
                ivf.numCentroids(), ivf.numEntries());
    }

    private static DataFile writeBinary(Configuration conf, IndexLayout layout, String rel, String content,
            byte[] bytes, long records, long tokenCount) {
        IndexFiles.writeNew(conf, layout.resolve(rel), bytes);
        return DataFile.of(rel, content, bytes.length, records, tokenCount, Checksums.crc32c(bytes));
    }
}
