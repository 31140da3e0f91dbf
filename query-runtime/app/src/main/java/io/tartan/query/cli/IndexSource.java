package io.tartan.query.cli;

import io.tartan.query.IndexQueryEncoders;
import io.tartan.query.MissingEncoderException;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.OpenOptions;
import io.tartan.query.TartanIndex;
import io.tartan.query.hadoop.HadoopStorageProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The index a command reads (with the Hadoop/S3A settings to reach it) and the model its text queries go through:
 * shared by {@code search} and {@code eval}.
 */
public final class IndexSource {
    @Option(names = "--index", required = true, description = "index URI (local path, file:, s3a:)")
    String index;

    @Option(names = "--model-config", description = "encoder model config for text queries; its checksum must match the "
            + "index's encoder-checksum (default: the shipped config of the index's encoder, e.g. the bundled e5-small-v2)")
    String modelConfig;

    @Option(names = "--version", description = "manifest version to open (default: latest)")
    Long version;

    @Option(names = "--cache-dir", description = "local cache: serving segments and copies of remote index files (default: $java.io.tmpdir/tartan-cache)")
    Path cacheDir;

    @Mixin
    HadoopOptions hadoop = new HadoopOptions();

    public TartanIndex open() {
        OpenOptions opts = OpenOptions.defaults().withVersion(version).withStorage(new HadoopStorageProvider(hadoop.configuration()));
        if (cacheDir != null) {
            opts = opts.withCacheDir(cacheDir, false);
        }
        return TartanIndex.open(index, opts);
    }

    /**
     * Lets {@code idx} encode text queries with the index's model (see {@link IndexQueryEncoders}).
     *
     * @throws MissingEncoderException if the index's model is not bundled and no --model-config was given
     */
    public void useModel(TartanIndex idx) {
        ModelQueryEncoder e = IndexQueryEncoders.open(idx.snapshot().manifest().settings(), modelConfig);
        if (e == null) {
            throw new MissingEncoderException(IndexQueryEncoders.whyNone(idx.snapshot().manifest().settings()));
        }
        idx.withEncoder(e);
    }
}
