package io.tartan.query.storage;

/**
 * Opens {@link IndexStorage} for URI schemes other than local files. Passed explicitly in
 * {@link io.tartan.query.OpenOptions#withStorage}, or found with {@link java.util.ServiceLoader} (a module such as
 * tartan-query-runtime-hadoop lists its provider in {@code META-INF/services/io.tartan.query.storage.StorageProvider}).
 */
public interface StorageProvider {
    /** Whether this provider reads URIs of {@code scheme} (lower case, never null or {@code file}). */
    boolean supports(String scheme);

    IndexStorage open(String uri);
}
