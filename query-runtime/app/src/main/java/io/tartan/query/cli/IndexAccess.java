package io.tartan.query.cli;

import io.tartan.query.OpenOptions;
import io.tartan.query.hadoop.HadoopStorageProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * How a command reaches an index's files and encodes its text queries, the options {@code search}, {@code eval} and
 * {@code serve} share: the model config, the local cache folder and the Hadoop/S3A settings.
 */
public final class IndexAccess {
    @Option(names = "--model-config", description = "encoder model config for text queries; its checksum must match the "
            + "index's encoder-checksum (default: the shipped config of the index's encoder, e.g. the bundled e5-small-v2)")
    String modelConfig;

    @Option(names = "--cache-dir", description = "local cache: serving segments and copies of remote index files "
            + "(default: $java.io.tmpdir/tartan-cache)")
    Path cacheDir;

    @Mixin
    HadoopOptions hadoop = new HadoopOptions();

    /** Options opening manifest {@code version} (null: the latest) through Hadoop's file systems and the cache. */
    OpenOptions openOptions(Long version) {
        OpenOptions opts = OpenOptions.defaults().withVersion(version)
                .withStorage(new HadoopStorageProvider(hadoop.configuration()));
        return cacheDir == null ? opts : opts.withCacheDir(cacheDir, false);
    }
}
