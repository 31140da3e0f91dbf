package io.tartan.jobs.update;

import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;

import java.util.Map;

/**
 * How much of the corpus changed since the last full build: ColBERT's advice is to rebuild (retrain the centroids)
 * once more than about 5% of the documents changed. Every update (and compaction) records the running count in its
 * manifest's properties; a build starts it at zero, and a rollback carries the count of the snapshot it restores.
 *
 * @param changedDocuments distinct document ids added, replaced or deleted since the build
 * @param documentsAtBuild live documents of that build
 */
public record ChangeHistory(long changedDocuments, long documentsAtBuild) {
    public static final String CHANGED = "changed-documents-since-build";
    public static final String AT_BUILD = "documents-at-build";

    /** The history as of snapshot {@code m}. */
    public static ChangeHistory of(ManifestStore store, Manifest m) {
        for (Manifest cur = m; ; ) {
            Map<String, String> p = cur.properties();
            if (p.containsKey(CHANGED) && p.containsKey(AT_BUILD)) {
                return new ChangeHistory(Long.parseLong(p.get(CHANGED)), Long.parseLong(p.get(AT_BUILD)));
            }
            // a build, a rollback to a build (it copies the build's properties), or history already expired: the
            // snapshot itself is the reference
            long prev = cur.version() - 1;
            if (Manifest.OP_BUILD.equals(cur.operation()) || Manifest.OP_ROLLBACK.equals(cur.operation())
                    || !store.versions().contains(prev)) {
                return new ChangeHistory(0, cur.summary().liveDocuments());
            }
            cur = store.read(prev);
        }
    }

    /** After {@code more} further documents changed. */
    public ChangeHistory plus(long more) {
        return new ChangeHistory(changedDocuments + more, documentsAtBuild);
    }

    /** Changed documents over the documents of the build (1.0 when the build was empty and anything changed). */
    public double changedFraction() {
        if (documentsAtBuild == 0) {
            return changedDocuments == 0 ? 0 : 1;
        }
        return (double) changedDocuments / documentsAtBuild;
    }

    /** The properties a commit records to carry the history forward. */
    public Map<String, String> properties() {
        return Map.of(CHANGED, Long.toString(changedDocuments), AT_BUILD, Long.toString(documentsAtBuild));
    }
}
