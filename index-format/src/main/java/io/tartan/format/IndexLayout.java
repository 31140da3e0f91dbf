package io.tartan.format;

import org.apache.hadoop.fs.Path;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each file of an index lives under its root (FORMAT.md "Layout"):
 * <pre>
 * &lt;root&gt;/metadata/v&lt;N&gt;.manifest.json   snapshot N (write-once; creating it is the commit)
 * &lt;root&gt;/metadata/v&lt;N&gt;.summary.json    optional build/update report for snapshot N (informational)
 * &lt;root&gt;/codec/&lt;uuid&gt;.tcodec            centroids, buckets, avg residual
 * &lt;root&gt;/ivf/&lt;uuid&gt;.tivf                IVF (a base, or the delta of an append)
 * &lt;root&gt;/data/&lt;prefix&gt;-&lt;uuid&gt;.parquet    document shards
 * &lt;root&gt;/deletes/&lt;uuid&gt;.tdel            deletion vectors
 * </pre>
 * Data file names are unique (a random UUID per writer), so no commit ever overwrites a file another snapshot uses.
 */
public final class IndexLayout {
    public static final String METADATA_DIR = "metadata";
    public static final String CODEC_DIR = "codec";
    public static final String IVF_DIR = "ivf";
    public static final String DATA_DIR = "data";
    public static final String DELETES_DIR = "deletes";
    private static final Pattern MANIFEST = Pattern.compile("v([1-9][0-9]*)\\.manifest\\.json");

    private final Path root;

    public IndexLayout(Path root) {
        this.root = root;
    }

    public IndexLayout(String uri) {
        this(new Path(uri));
    }

    public Path root() {
        return root;
    }

    public Path resolve(String relativePath) {
        return new Path(root, relativePath);
    }

    public Path metadataDir() {
        return new Path(root, METADATA_DIR);
    }

    public static String manifestName(long version) {
        return "v" + version + ".manifest.json";
    }

    public Path manifest(long version) {
        return new Path(metadataDir(), manifestName(version));
    }

    public Path summary(long version) {
        return new Path(metadataDir(), "v" + version + ".summary.json");
    }

    /** The version a manifest file name denotes, or -1 if the name is not a manifest's. */
    public static long parseManifestVersion(String fileName) {
        Matcher m = MANIFEST.matcher(fileName);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    public static String newCodecPath() {
        return CODEC_DIR + "/" + UUID.randomUUID() + ".tcodec";
    }

    public static String newIvfPath() {
        return IVF_DIR + "/" + UUID.randomUUID() + ".tivf";
    }

    public static String newDeletesPath() {
        return DELETES_DIR + "/" + UUID.randomUUID() + ".tdel";
    }

    /** A shard path; {@code prefix} orders shards in listings (e.g. the partition number). */
    public static String newShardPath(String prefix) {
        return DATA_DIR + "/" + prefix.toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID() + ".parquet";
    }

    /** The text index path of a shard: its path with {@code .parquet} replaced by {@code .bm25.zip}. */
    public static String textIndexPath(String shardPath) {
        if (!shardPath.endsWith(".parquet")) {
            throw new IllegalArgumentException("not a shard path: " + shardPath);
        }
        return shardPath.substring(0, shardPath.length() - ".parquet".length()) + ".bm25.zip";
    }
}
