package io.tartan.query.storage;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestJson;

import java.util.OptionalLong;

/** Lists and reads the committed snapshots of an index (FORMAT.md "Commits"), read-only, through its storage. */
public final class ManifestReader {
    private final IndexStorage storage;

    public ManifestReader(IndexStorage storage) {
        this.storage = storage;
    }

    /** The newest committed version, empty if the index has none (or does not exist). */
    public OptionalLong latestVersion() {
        return storage.list(IndexLayout.METADATA_DIR).stream().mapToLong(IndexLayout::parseManifestVersion)
                .filter(v -> v > 0).max();
    }

    public Manifest read(long version) {
        String path = IndexLayout.METADATA_DIR + "/" + IndexLayout.manifestName(version);
        return ManifestJson.read(storage.read(path), storage.describe(path));
    }
}
