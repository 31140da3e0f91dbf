package io.tartan.query.server;

import io.tartan.query.SearchResult;

import java.util.List;

/**
 * The merged top k of a routed search.
 *
 * @param result   the partitions' hits merged by {@link SearchResult#merge} (score, then pid, as one node ranks)
 * @param answered partitions whose hits are in {@code result}
 * @param failed   partitions left out; non-empty means the result is partial
 */
public record RoutedResult(SearchResult result, int answered, List<PartitionFailure> failed) {
    public boolean partial() {
        return !failed.isEmpty();
    }
}
