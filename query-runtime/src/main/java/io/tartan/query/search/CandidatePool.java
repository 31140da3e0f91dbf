package io.tartan.query.search;

import java.io.Serializable;

/**
 * What one index partition contributes to a PLAID or FAST search, so that {@link CandidatePoolMerger} can give
 * exactly the result a single node serving every partition gives (ids and scores), where merging the partitions'
 * own top-k lists cannot: a partition ranks its candidates against its own documents only, so its top-k may hold a
 * document the single node's approximate stages dropped.
 *
 * <p>Entries, in no particular order, are the partition's survivors of every stage that cuts to a top-N by an
 * approximate score: stage 2's best {@code ndocs} by pruned score when the search prunes ({@link #pruning}), else
 * stage 3's best {@code nexact} by centroid-only score. Ties break as the single node breaks them, by the smaller
 * pid (rows are in pid order in every snapshot and partition). {@code exactScores[i]} is NaN where the entry cannot
 * reach the single node's stage 4 (see {@link Searcher#candidatePool}); {@code docIds[i]} is then null.
 *
 * @param version       manifest version of the snapshot that answered
 * @param k             results asked for
 * @param ndocs         stage 2's cut (the resolved ndocs)
 * @param nexact        stage 3's cut: documents scored exactly
 * @param pruning       whether stage 2 ran (PLAID mode, or FAST with a centroid_score_threshold)
 * @param ngroups       FAST's resolved ngroups (0: every centroid scored); stage 3's scores depend on it
 * @param candidates    documents stage 1 found, summed over the merged partitions
 * @param prunedScores  stage 2's scores; null without pruning
 * @param approxScores  stage 3's centroid-only scores
 * @param exactScores   stage 4's MaxSim scores, NaN where not needed
 */
public record CandidatePool(long version, int k, int ndocs, int nexact, boolean pruning, int ngroups, int candidates,
        long[] pids, String[] docIds, float[] prunedScores, float[] approxScores, float[] exactScores)
        implements Serializable {
    private static final long serialVersionUID = 2L;

    public CandidatePool {
        int n = pids.length;
        if (docIds.length != n || approxScores.length != n || exactScores.length != n
                || (pruning ? prunedScores == null || prunedScores.length != n : prunedScores != null)) {
            throw new IllegalArgumentException("candidate pool of " + n + " pids: every score array must have one entry"
                    + " a pid, and pruned scores must be given exactly when the search prunes");
        }
    }

    public int size() {
        return pids.length;
    }
}
