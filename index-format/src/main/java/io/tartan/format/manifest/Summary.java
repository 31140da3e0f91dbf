package io.tartan.format.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Counts over a snapshot (FORMAT.md "Summary").
 *
 * @param liveDocuments documents a search can return (stored minus deleted)
 * @param storedDocuments rows over all shards, deleted ones included
 * @param deletedDocuments pids in the snapshot's deletion vectors
 * @param tokens          tokens over all shards
 * @param totalBytes      bytes of every file the snapshot uses
 * @param nextPid         the smallest pid never used in this index; appends allocate from here
 */
public record Summary(
        @JsonProperty("live-documents") long liveDocuments,
        @JsonProperty("stored-documents") long storedDocuments,
        @JsonProperty("deleted-documents") long deletedDocuments,
        @JsonProperty("tokens") long tokens,
        @JsonProperty("total-bytes") long totalBytes,
        @JsonProperty("next-pid") long nextPid) {
}
