package io.tartan.jobs.update;

import io.tartan.format.manifest.CommitConflictException;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.snapshot.DeleteResolver;
import io.tartan.format.snapshot.DeletedPids;
import io.tartan.format.snapshot.SnapshotTransaction;
import io.tartan.jobs.input.HadoopConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The document ids one update batch touches (upserted ids, which replace a live document of the same id, and deleted
 * ids), resolved to their live pids in a snapshot. An update resolves them against its base snapshot; when a
 * concurrent commit wins the race, {@link SnapshotTransaction} asks for them again against the winner, so that what
 * is committed is the batch applied to the snapshot it lands on: a delete that lost to an upsert of the same id
 * deletes the upsert's pid, an update that lost to a rollback replaces the version the rollback restored. A batch the
 * winner's history already holds (the same batch run twice at once) is not applied again.
 */
public final class BatchIds implements DeleteResolver {
    private static final Logger LOG = LoggerFactory.getLogger(BatchIds.class);
    public static final String REPLACED = "update.replaced";
    public static final String DELETED = "update.deleted";

    private final JavaSparkContext sc;
    private final HadoopConf conf;
    private final ManifestStore store;
    private final String index;
    private final String batch;
    private final Set<String> upserts;
    private final Set<String> deletes;
    private Resolution current;

    /**
     * The ids resolved against one snapshot.
     *
     * @param version  the snapshot's version
     * @param oldPids  live pids of the upserted and deleted ids (sorted): what the commit deletes
     * @param replaced upserted ids that were live
     * @param deleted  deleted ids that were live (and are not upserted again by the same batch)
     * @param unknown  deleted ids that were not live
     * @param history  the change count since the last build, this batch included
     */
    public record Resolution(long version, int[] oldPids, long replaced, long deleted, long unknown,
            ChangeHistory history) {
    }

    public BatchIds(JavaSparkContext sc, ManifestStore store, String index, String batch, Set<String> upserts,
            Set<String> deletes) {
        this.sc = sc;
        this.conf = new HadoopConf(sc.hadoopConfiguration());
        this.store = store;
        this.index = index;
        this.batch = batch;
        this.upserts = Set.copyOf(upserts);
        this.deletes = Set.copyOf(deletes);
    }

    /** How many distinct ids the batch looks up. */
    public int size() {
        Set<String> all = new HashSet<>(upserts);
        all.addAll(deletes);
        return all.size();
    }

    /** Resolves the ids against {@code snapshot} (one Spark job reading its shards); that becomes {@link #current}. */
    public Resolution resolveAgainst(Manifest snapshot) {
        Set<String> lookup = new HashSet<>(upserts);
        lookup.addAll(deletes);
        int[] deletedBefore = DeletedPids.of(conf.get(), store.layout(), snapshot);
        Map<String, Integer> live = LivePids.of(sc, conf, index, snapshot, lookup, deletedBefore);
        long replaced = upserts.stream().filter(live::containsKey).count();
        long deleted = deletes.stream().filter(id -> !upserts.contains(id) && live.containsKey(id)).count();
        long unknown = deletes.stream().filter(id -> !live.containsKey(id)).count();
        int[] oldPids = live.values().stream().mapToInt(Integer::intValue).sorted().toArray();
        ChangeHistory history = ChangeHistory.of(store, snapshot).plus(upserts.size() + deleted);
        current = new Resolution(snapshot.version(), oldPids, replaced, deleted, unknown, history);
        return current;
    }

    /** The latest resolution: the one a commit records. */
    public Resolution current() {
        if (current == null) {
            throw new IllegalStateException("the ids of batch " + batch + " were not resolved yet");
        }
        return current;
    }

    /** The manifest operation of a commit of the current resolution. */
    public String operation() {
        return upserts.isEmpty() ? Manifest.OP_DELETE
                : current().oldPids().length == 0 ? Manifest.OP_APPEND : Manifest.OP_UPDATE;
    }

    /** The manifest properties that depend on the resolution: counts and the change history. */
    public Map<String, String> properties() {
        Resolution r = current();
        Map<String, String> p = new LinkedHashMap<>(r.history().properties());
        p.put(REPLACED, Long.toString(r.replaced()));
        p.put(DELETED, Long.toString(r.deleted()));
        return p;
    }

    @Override
    public Resolved resolve(Manifest latest) {
        OptionalLong applied = AppliedBatch.find(store, latest, batch);
        if (applied.isPresent()) {
            throw new CommitConflictException("batch " + batch + " was applied concurrently by version "
                    + applied.getAsLong() + "; it is not applied twice", null);
        }
        Resolution before = current();
        Resolution r = resolveAgainst(latest);
        LOG.info("ids of batch {} resolved again against version {}: {} replaced, {} deleted, {} unknown (against "
                + "version {}: {}, {}, {})", batch, latest.version(), r.replaced(), r.deleted(), r.unknown(),
                before.version(), before.replaced(), before.deleted(), before.unknown());
        return new Resolved(r.oldPids(), operation(), properties());
    }
}
