package io.tartan.format.snapshot;

import io.tartan.format.manifest.CommitConflictException;
import io.tartan.format.manifest.Manifest;

import java.util.Map;

/**
 * Resolves a transaction's deletes again when a concurrent commit won the race. A writer that deletes or replaces
 * documents by id resolves the ids to pids against its base snapshot; on top of another snapshot the same ids may be
 * live under other pids (a concurrent upsert gave an id a new pid, a rollback restored an old one), so the pids
 * resolved against the base must not be applied there.
 */
@FunctionalInterface
public interface DeleteResolver {
    /**
     * The deletes to apply on top of {@code latest}, resolved against it.
     *
     * @throws CommitConflictException when the change cannot be applied on top of {@code latest}; the transaction
     *                                 then commits nothing and passes the exception on
     */
    Resolved resolve(Manifest latest);

    /**
     * @param pids       every stored pid to delete on top of the snapshot (replaces the transaction's deletes)
     * @param operation  the manifest operation the commit records (an append may have become an update)
     * @param properties properties that depend on the resolution (counts), added over the transaction's own
     */
    record Resolved(int[] pids, String operation, Map<String, String> properties) {
    }
}
