package io.tartan.jobs.update;

import io.tartan.jobs.SummaryJson;

import java.util.Map;

/**
 * What an update run did, printed at the end and written as {@code metadata/v<N>.summary.json} next to the manifest
 * it committed (snake_case keys, like the build summary).
 *
 * @param version          the committed version; the base version when nothing was committed
 * @param outcome          {@code committed}, {@code already-applied}, {@code nothing-to-do} or {@code rebuilt}
 * @param upserted         documents written (new ids and replacements)
 * @param replaced         of those, ids that were live before (their old pids are deleted)
 * @param deleted          ids of {@code --delete} that were live and are deleted now
 * @param unknownDeletes   ids of {@code --delete} not live in the base snapshot (nothing to delete)
 * @param tokens           token vectors written for the upserted documents (after pooling)
 * @param inputTokens      tokens those documents had before pooling (equal to {@code tokens} without pooling)
 * @param poolFactor       the index's {@code pool_factor}, which the upserted documents were pooled with
 * @param drift            the drift check; null when no document was upserted
 * @param rebuild          what the run did about a recommended rebuild, null when none was recommended
 */
public record UpdateSummary(String index, String operation, long baseVersion, long version, String outcome,
        String batchId, long rowsRead, long upserted, long replaced, long deleted, long unknownDeletes, long rejected,
        Map<String, Long> rejectedByKind, String rejectedDir, long tokens, long inputTokens, int poolFactor, int shards, long liveDocuments,
        DriftReport drift, String rebuild, Map<String, Double> seconds) {

    public String toJson() {
        return SummaryJson.write(this);
    }
}
