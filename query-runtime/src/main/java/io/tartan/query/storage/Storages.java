package io.tartan.query.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.ServiceLoader;

/** The storage of an index URI: local files for a path or {@code file:}, else the first provider for its scheme. */
public final class Storages {
    private Storages() {
    }

    /**
     * @param explicit the provider the host configured (tried first for remote schemes), or null
     * @throws IllegalArgumentException naming the scheme and the module to add when no provider reads it
     */
    public static IndexStorage open(String uri, StorageProvider explicit) {
        String scheme = scheme(uri);
        if (scheme == null) {
            return new LocalStorage(uri, Path.of(uri));
        }
        if (scheme.equals("file")) {
            return new LocalStorage(uri, Path.of(URI.create(uri)));
        }
        if (explicit != null && explicit.supports(scheme)) {
            return explicit.open(uri);
        }
        for (StorageProvider p : ServiceLoader.load(StorageProvider.class, Storages.class.getClassLoader())) {
            if (p.supports(scheme)) {
                return p.open(uri);
            }
        }
        throw new IllegalArgumentException(uri + ": no storage for " + scheme + ": URIs on the class path; add "
                + "io.tartan:tartan-query-runtime-hadoop (s3a: and other Hadoop file systems) or pass a "
                + "StorageProvider in OpenOptions.withStorage");
    }

    /** The URI scheme in lower case, or null for a plain path (a Windows drive letter is not a scheme). */
    static String scheme(String uri) {
        int colon = uri.indexOf(':');
        if (colon < 2 || uri.indexOf('/') >= 0 && uri.indexOf('/') < colon) {
            return null;
        }
        String s = uri.substring(0, colon);
        return s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
                ? s.toLowerCase(Locale.ROOT) : null;
    }
}
