package io.tartan.format.manifest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tartan.format.FormatVersion;
import io.tartan.format.IndexFormatException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One immutable snapshot of an index (FORMAT.md "Manifest"): what settings, codec, shards, IVF files and deletion
 * vectors make it up. Written once as {@code metadata/v<version>.manifest.json}; creating that file is the commit.
 *
 * @param version         commit sequence number, 1 for the first build; the file name carries it
 * @param snapshotId      unique id of this snapshot
 * @param parentSnapshotId snapshot this one was derived from, null for a first build
 * @param operation       {@code build}, {@code append}, {@code delete}, {@code update}, {@code compact}, {@code rollback}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        @JsonProperty("format-version") int formatVersion,
        @JsonProperty("format-minor-version") int formatMinorVersion,
        @JsonProperty("version") long version,
        @JsonProperty("snapshot-id") long snapshotId,
        @JsonProperty("parent-snapshot-id") Long parentSnapshotId,
        @JsonProperty("timestamp-ms") long timestampMs,
        @JsonProperty("operation") String operation,
        @JsonProperty("settings") IndexSettings settings,
        @JsonProperty("codec") DataFile codec,
        @JsonProperty("shards") List<DataFile> shards,
        @JsonProperty("ivf") List<DataFile> ivf,
        @JsonProperty("deletes") List<DataFile> deletes,
        @JsonProperty("text-indexes") List<DataFile> textIndexes,
        @JsonProperty("summary") Summary summary,
        @JsonProperty("properties") Map<String, String> properties) {

    public static final String OP_BUILD = "build";
    public static final String OP_APPEND = "append";
    public static final String OP_DELETE = "delete";
    public static final String OP_UPDATE = "update";
    public static final String OP_COMPACT = "compact";
    public static final String OP_ROLLBACK = "rollback";

    public Manifest {
        shards = shards == null ? List.of() : List.copyOf(shards);
        ivf = ivf == null ? List.of() : List.copyOf(ivf);
        deletes = deletes == null ? List.of() : List.copyOf(deletes);
        textIndexes = textIndexes == null ? List.of() : List.copyOf(textIndexes);
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** A manifest at the lowest format version that expresses it. */
    public static Manifest create(long version, long snapshotId, Long parentSnapshotId, long timestampMs,
            String operation, IndexSettings settings, DataFile codec, List<DataFile> shards, List<DataFile> ivf,
            List<DataFile> deletes, List<DataFile> textIndexes, Summary summary, Map<String, String> properties) {
        // the lowest version that expresses the snapshot (FORMAT.md section 1)
        int minor = settings.textAnalysis() != null ? FormatVersion.MINOR_TEXT_ANALYSIS
                : settings.poolFactorOrOne() > 1 ? FormatVersion.MINOR_POOLING
                : settings.hasTextIndexes() ? FormatVersion.MINOR_TEXT_INDEXES : FormatVersion.MINOR;
        return new Manifest(FormatVersion.MAJOR, minor, version, snapshotId, parentSnapshotId,
                timestampMs, operation, settings, codec, shards, ivf, deletes, textIndexes, summary, properties);
    }

    /** Every file this snapshot references. */
    @JsonIgnore
    public List<DataFile> allFiles() {
        List<DataFile> all = new ArrayList<>();
        all.add(codec);
        all.addAll(shards);
        all.addAll(ivf);
        all.addAll(deletes);
        all.addAll(textIndexes);
        return all;
    }

    /** The text index of each shard, by shard path (empty when the settings have none). */
    @JsonIgnore
    public Map<String, DataFile> textIndexByShard() {
        Map<String, DataFile> byPath = new java.util.HashMap<>();
        textIndexes.forEach(t -> byPath.put(t.path(), t));
        Map<String, DataFile> out = new java.util.LinkedHashMap<>();
        for (DataFile s : shards) {
            DataFile t = byPath.get(io.tartan.format.IndexLayout.textIndexPath(s.path()));
            if (t != null) {
                out.put(s.path(), t);
            }
        }
        return out;
    }

    /** Checks the invariants FORMAT.md states for a manifest; throws naming {@code where}. */
    public void validate(String where) {
        FormatVersion.requireSupported(formatVersion, formatMinorVersion, where);
        if (version < 1) {
            throw new IndexFormatException(where + ": version must be >= 1, got " + version);
        }
        if (operation == null || settings == null || codec == null || summary == null) {
            throw new IndexFormatException(where + ": missing one of operation, settings, codec, summary");
        }
        settings.validate(where);
        if (ivf.isEmpty()) {
            throw new IndexFormatException(where + ": lists no IVF file");
        }
        requireContent(where, Stream.of(codec), DataFile.CODEC);
        requireContent(where, shards.stream(), DataFile.SHARD);
        requireContent(where, ivf.stream(), DataFile.IVF);
        requireContent(where, deletes.stream(), DataFile.DELETES);
        requireContent(where, textIndexes.stream(), DataFile.TEXT_INDEX);
        validateTextIndexes(where);
        for (DataFile f : allFiles()) {
            if (f.path() == null || f.path().isEmpty() || f.path().startsWith("/") || f.path().contains("..")) {
                throw new IndexFormatException(where + ": file path must be relative to the index root: " + f.path());
            }
            if (f.checksum() == null || !f.checksum().startsWith("crc32c:")) {
                throw new IndexFormatException(where + ": file " + f.path() + " has no crc32c checksum");
            }
            if (f.sizeBytes() < 0) {
                throw new IndexFormatException(where + ": file " + f.path() + " has negative size");
            }
        }
        long tokens = shards.stream().mapToLong(DataFile::tokenCount).sum();
        long rows = shards.stream().mapToLong(DataFile::recordCount).sum();
        if (tokens != summary.tokens() || rows != summary.storedDocuments()) {
            throw new IndexFormatException(where + ": summary (" + summary.storedDocuments() + " docs, "
                    + summary.tokens() + " tokens) disagrees with its shards (" + rows + " docs, " + tokens + " tokens)");
        }
    }

    private void validateTextIndexes(String where) {
        if (!settings.hasTextIndexes()) {
            if (!textIndexes.isEmpty()) {
                throw new IndexFormatException(where + ": lists text indexes but settings have no text-index");
            }
            return;
        }
        Map<String, DataFile> byShard = textIndexByShard();
        for (DataFile s : shards) {
            DataFile t = byShard.get(s.path());
            if (t == null) {
                throw new IndexFormatException(where + ": shard " + s.path() + " has no text index ("
                        + io.tartan.format.IndexLayout.textIndexPath(s.path()) + ")");
            }
            if (t.recordCount() != s.recordCount()) {
                throw new IndexFormatException(where + ": text index " + t.path() + " holds " + t.recordCount()
                        + " documents, its shard " + s.recordCount());
            }
        }
        if (byShard.size() != textIndexes.size()) {
            throw new IndexFormatException(where + ": " + (textIndexes.size() - byShard.size())
                    + " text index(es) belong to no listed shard");
        }
    }

    private static void requireContent(String where, Stream<DataFile> files, String content) {
        files.forEach(f -> {
            if (!content.equals(f.content())) {
                throw new IndexFormatException(where + ": file " + f.path() + " listed as " + content
                        + " but has content '" + f.content() + "'");
            }
        });
    }
}
