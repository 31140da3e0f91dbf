package io.tartan.query.hadoop;

import io.tartan.query.storage.IndexStorage;
import io.tartan.query.storage.StorageProvider;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Every URI scheme Hadoop has a file system for ({@code s3a:} with hadoop-aws, which this module brings). Found by
 * {@link java.util.ServiceLoader} with Hadoop's default configuration ({@code core-site.xml} on the class path,
 * {@code fs.s3a.*} settings, the AWS default credential chain), or passed in
 * {@link io.tartan.query.OpenOptions#withStorage} with the host's own configuration.
 */
public final class HadoopStorageProvider implements StorageProvider {
    private final Configuration conf;

    /** Hadoop's default configuration (what {@link java.util.ServiceLoader} uses). */
    public HadoopStorageProvider() {
        this(new Configuration());
    }

    public HadoopStorageProvider(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public boolean supports(String scheme) {
        try {
            FileSystem.getFileSystemClass(scheme, conf);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public IndexStorage open(String uri) {
        return new HadoopStorage(uri, conf);
    }
}
