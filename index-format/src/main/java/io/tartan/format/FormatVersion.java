package io.tartan.format;

/**
 * The index format version this library reads and writes (FORMAT.md, "Versioning").
 *
 * <p>A reader accepts any minor version of a major version it knows: minor versions only add optional fields, which
 * older readers ignore. A different major version means the layout changed incompatibly and is rejected.
 */
public final class FormatVersion {
    public static final int MAJOR = 1;
    /** Minor version of the binary files and shards, which 1.1 left unchanged. */
    public static final int MINOR = 0;
    /** Minor version of a manifest whose shards have text indexes (FORMAT.md section 11); 1.0 otherwise. */
    public static final int MINOR_TEXT_INDEXES = 1;
    /** Minor version of a manifest whose documents were token-pooled (settings {@code pool-factor} > 1). */
    public static final int MINOR_POOLING = 2;
    /** Minor version of a manifest whose BM25 text has a non-default analysis (settings {@code text-analysis}). */
    public static final int MINOR_TEXT_ANALYSIS = 3;

    private FormatVersion() {
    }

    /** Throws {@link UnsupportedFormatException} unless {@code major} is readable by this library. */
    public static void requireSupported(int major, int minor, String where) {
        if (major != MAJOR) {
            throw new UnsupportedFormatException(where + ": index format version " + major + "." + minor
                    + " is not supported by this reader (supports " + MAJOR + ".x); upgrade Tartan to read it");
        }
    }
}
