package io.tartan.query;

import org.apache.hadoop.conf.Configuration;

import java.nio.file.Path;

/**
 * How {@link TartanIndex#open(String, OpenOptions)} loads an index.
 *
 * @param conf       Hadoop configuration (S3A settings); null for defaults
 * @param version    manifest version to load; null for the latest
 * @param cacheDir   local cache for files of remote indexes ({@code s3a:} …); null disables caching
 * @param forceCache cache even files of a local index (tests)
 * @param threads    threads for parsing shards and computing token norms
 */
public record OpenOptions(Configuration conf, Long version, Path cacheDir, boolean forceCache, int threads) {
    public static OpenOptions defaults() {
        return new OpenOptions(null, null, Path.of(System.getProperty("java.io.tmpdir"), "tartan-cache"), false,
                Runtime.getRuntime().availableProcessors());
    }

    public OpenOptions withVersion(Long v) {
        return new OpenOptions(conf, v, cacheDir, forceCache, threads);
    }

    public OpenOptions withCacheDir(Path dir, boolean force) {
        return new OpenOptions(conf, version, dir, force, threads);
    }

    public OpenOptions withConf(Configuration c) {
        return new OpenOptions(c, version, cacheDir, forceCache, threads);
    }

    public OpenOptions withThreads(int n) {
        return new OpenOptions(conf, version, cacheDir, forceCache, n);
    }

    Configuration confOrDefault() {
        return conf != null ? conf : new Configuration();
    }
}
