package io.tartan.format.snapshot;

import io.tartan.format.DeletionVectorFile;
import io.tartan.format.IndexLayout;
import io.tartan.format.io.Checksums;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.CommitConflictException;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.manifest.Summary;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds and commits the next snapshot of an index on top of a base snapshot (FORMAT.md section 3): shards and IVF
 * deltas to add, shards to remove (compaction), pids to delete. Data files must already be written; this class
 * writes only the deletion vector and the manifest.
 *
 * <p>On a commit conflict the transaction retries on top of the new latest snapshot when that is safe: the
 * concurrent commits must not have allocated pids this transaction also uses (pids are never reused) and must not
 * have removed a shard this transaction removes. Otherwise {@link CommitConflictException} reaches the caller, whose
 * files then stay orphans for {@link SnapshotExpiry} to collect.
 *
 * <p>Deleted pids are stored rows, the same in every snapshot, so by default they are re-applied as they are. A
 * writer that resolved document ids to pids against the base gives a {@link DeleteResolver}: before each retry the
 * ids are resolved again against the snapshot that won, and a new deletion vector is written when the pids differ.
 */
public final class SnapshotTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTransaction.class);
    private static final int MAX_ATTEMPTS = 5;

    private final Configuration conf;
    private final ManifestStore store;
    private final Manifest base;
    private String operation;
    private final List<DataFile> addShards = new ArrayList<>();
    private final List<DataFile> addIvf = new ArrayList<>();
    private final List<DataFile> addTextIndexes = new ArrayList<>();
    private final Set<String> removeShards = new HashSet<>();
    private final List<DataFile> replaceIvf = new ArrayList<>();
    private final Map<String, String> properties = new HashMap<>();
    private int[] deletePids = new int[0];
    private boolean dropDeletionVectors;
    private long nextPid = -1;
    private DeleteResolver resolver;

    private SnapshotTransaction(Configuration conf, ManifestStore store, Manifest base, String operation) {
        this.conf = conf;
        this.store = store;
        this.base = base;
        this.operation = operation;
    }

    /** A transaction on top of {@code base} (normally {@code store.readLatest()}). */
    public static SnapshotTransaction on(Configuration conf, ManifestStore store, Manifest base, String operation) {
        return new SnapshotTransaction(conf, store, base, operation);
    }

    public Manifest base() {
        return base;
    }

    /** Adds new shards; their pids must come from {@code [base.next-pid, …)}. */
    public SnapshotTransaction addShards(List<DataFile> shards) {
        addShards.addAll(shards);
        return this;
    }

    /** Adds the text indexes of added shards (FORMAT.md section 11); a removed shard's text index goes with it. */
    public SnapshotTransaction addTextIndexes(List<DataFile> textIndexes) {
        addTextIndexes.addAll(textIndexes);
        return this;
    }

    /** Adds an IVF delta covering the added shards. */
    public SnapshotTransaction addIvf(DataFile ivf) {
        addIvf.add(ivf);
        return this;
    }

    /** Removes shards by path (compaction) and replaces all IVF files with {@code ivf}. */
    public SnapshotTransaction rewrite(List<String> removedShardPaths, List<DataFile> newShards, DataFile ivf,
            boolean dropAllDeletionVectors) {
        removeShards.addAll(removedShardPaths);
        addShards.addAll(newShards);
        replaceIvf.add(ivf);
        dropDeletionVectors = dropAllDeletionVectors;
        return this;
    }

    /** Deletes live stored pids (callers resolve doc ids to pids). */
    public SnapshotTransaction deletePids(int[] pids) {
        int[] all = Arrays.copyOf(deletePids, deletePids.length + pids.length);
        System.arraycopy(pids, 0, all, deletePids.length, pids.length);
        deletePids = Arrays.stream(all).sorted().distinct().toArray();
        return this;
    }

    /** The first pid not used after this transaction (defaults to the base's, or past the added shards). */
    public SnapshotTransaction nextPid(long pid) {
        nextPid = pid;
        return this;
    }

    /**
     * Resolves the deletes again against the winning snapshot before every retry (callers that deleted pids resolved
     * from document ids against the base).
     */
    public SnapshotTransaction reresolveDeletesOnConflict(DeleteResolver r) {
        resolver = r;
        return this;
    }

    public SnapshotTransaction property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Commits, retrying on top of concurrent commits where safe; returns the committed manifest. */
    public Manifest commit() {
        DataFile deletes = writeDeletionVector();
        Manifest on = base;
        for (int attempt = 1; ; attempt++) {
            Manifest next = build(on, deletes);
            try {
                store.commit(next);
                return next;
            } catch (CommitConflictException e) {
                Manifest latest = store.readLatest();
                String unsafe = whyUnsafeOn(latest);
                if (unsafe != null || attempt == MAX_ATTEMPTS) {
                    throw new CommitConflictException("commit of " + operation + " on version " + base.version()
                            + " lost to version " + latest.version() + (unsafe != null ? " and cannot be re-applied: "
                            + unsafe : " after " + attempt + " attempts"), e);
                }
                LOG.warn("version {} was committed concurrently; re-applying {} on top of it", latest.version(), operation);
                if (resolver != null) {
                    deletes = reresolve(latest, deletes);
                }
                on = latest;
            }
        }
    }

    private String whyUnsafeOn(Manifest latest) {
        long ourMin = addShards.stream().mapToLong(DataFile::minPid)
                .filter(p -> p >= 0).min().orElse(Long.MAX_VALUE);
        if (replaceIvf.isEmpty() && latest.summary().nextPid() > ourMin) {
            return "a concurrent commit allocated pids from " + base.summary().nextPid() + " too";
        }
        Set<String> present = new HashSet<>();
        latest.shards().forEach(s -> present.add(s.path()));
        for (String r : removeShards) {
            if (!present.contains(r)) {
                return "shard " + r + " was removed concurrently";
            }
        }
        if (!replaceIvf.isEmpty() && latest.version() != base.version()) {
            return "a compaction must start from the latest snapshot";
        }
        return null;
    }

    /** Applies the resolver's deletes for {@code latest}; a new deletion vector only when the pids changed. */
    private DataFile reresolve(Manifest latest, DataFile written) {
        DeleteResolver.Resolved r = resolver.resolve(latest);
        operation = r.operation();
        properties.putAll(r.properties());
        int[] pids = Arrays.stream(r.pids()).sorted().distinct().toArray();
        if (Arrays.equals(pids, deletePids)) {
            return written;
        }
        LOG.info("{}: {} pid(s) to delete on top of version {} (were {})", operation, pids.length, latest.version(),
                deletePids.length);
        deletePids = pids;
        return writeDeletionVector();
    }

    private DataFile writeDeletionVector() {
        if (deletePids.length == 0) {
            return null;
        }
        byte[] bytes = DeletionVectorFile.write(deletePids);
        String rel = IndexLayout.newDeletesPath();
        IndexFiles.writeNew(conf, store.layout().resolve(rel), bytes);
        return new DataFile(rel, DataFile.DELETES, bytes.length, deletePids.length, 0, Checksums.crc32c(bytes),
                deletePids[0], deletePids[deletePids.length - 1]);
    }

    private Manifest build(Manifest on, DataFile newDeletes) {
        List<DataFile> shards = new ArrayList<>();
        for (DataFile s : on.shards()) {
            if (!removeShards.contains(s.path())) {
                shards.add(s);
            }
        }
        shards.addAll(addShards);
        List<DataFile> text = new ArrayList<>();
        Map<String, DataFile> textOf = on.textIndexByShard();
        for (DataFile s : on.shards()) {
            if (!removeShards.contains(s.path()) && textOf.containsKey(s.path())) {
                text.add(textOf.get(s.path()));
            }
        }
        text.addAll(addTextIndexes);
        List<DataFile> ivf = new ArrayList<>(replaceIvf.isEmpty() ? on.ivf() : replaceIvf);
        ivf.addAll(addIvf);
        List<DataFile> deletes = new ArrayList<>(dropDeletionVectors ? List.of() : on.deletes());
        if (newDeletes != null) {
            deletes.add(newDeletes);
        }
        long stored = shards.stream().mapToLong(DataFile::recordCount).sum();
        long tokens = shards.stream().mapToLong(DataFile::tokenCount).sum();
        long deleted = DeletedPids.countStored(conf, store.layout(), deletes, shards);
        long maxAdded = addShards.stream().mapToLong(DataFile::maxPid).max().orElse(-1);
        long next = Math.max(on.summary().nextPid(), Math.max(nextPid, maxAdded + 1));
        List<DataFile> all = new ArrayList<>(shards);
        all.addAll(ivf);
        all.addAll(deletes);
        all.addAll(text);
        all.add(on.codec());
        long bytes = all.stream().mapToLong(DataFile::sizeBytes).sum();
        Map<String, String> props = new HashMap<>(properties);
        return Manifest.create(on.version() + 1, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
                on.snapshotId(), System.currentTimeMillis(), operation, on.settings(), on.codec(), shards, ivf, deletes, text,
                new Summary(stored - deleted, stored, deleted, tokens, bytes, next), props);
    }
}
