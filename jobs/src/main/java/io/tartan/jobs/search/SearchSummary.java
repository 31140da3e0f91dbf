package io.tartan.jobs.search;

import io.tartan.jobs.SummaryJson;

import java.util.List;
import java.util.Map;

/**
 * What a search batch did: printed at the end and written as the output's {@code _SUCCESS} marker (snake_case keys,
 * like the build summary).
 *
 * @param version          manifest version of the snapshot every query was searched on
 * @param indexPartitions  index partitions of the plan (1: every task searches the whole snapshot)
 * @param tasks            search tasks (index partitions × blocks of queries)
 * @param rowsRead         query rows read (valid and rejected)
 * @param queries          queries searched
 * @param encodedQueries   text queries run through the encoder
 * @param results          result rows written
 * @param files            the result files in the output folder
 * @param snapshotLoads    snapshot loads over all executors (one per executor JVM and index partition)
 * @param queriesPerSecond queries over the search stage's wall time
 * @param p50QueryMillis   median search time of one query, in its task (summed over index partitions; encoding not
 *                         included)
 * @param seconds          wall seconds per stage (read, encode, search, write, commit) and total
 */
public record SearchSummary(String index, String queriesInput, String output, String format, long version,
        String mode, int k, int indexPartitions, int tasks, long rowsRead, long queries, long rejected,
        Map<String, Long> rejectedByKind, String rejectedDir, long encodedQueries, long results, List<String> files,
        long snapshotLoads, double queriesPerSecond, double p50QueryMillis, double p95QueryMillis,
        Map<String, Double> seconds) {

    public String toJson() {
        return SummaryJson.write(this);
    }
}
