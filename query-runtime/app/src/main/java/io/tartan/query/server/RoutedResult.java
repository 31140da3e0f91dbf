package io.tartan.query.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchResult;

import java.util.List;
import java.util.Map;

/**
 * The merged top k of a routed search.
 *
 * @param result   the partitions' hits merged by {@link SearchResult#merge} (score, then pid, as one node ranks)
 * @param answered partitions whose hits are in {@code result}
 * @param failed   partitions left out; non-empty means the result is partial
 * @param fields   by pid, what the partitions returned of each merged hit besides its rank, id, score and pid: the
 *                 {@code "fields"} asked for (text, snippet, metadata); hits without any are absent
 */
public record RoutedResult(SearchResult result, int answered, List<PartitionFailure> failed,
        Map<Long, ObjectNode> fields) {
    public boolean partial() {
        return !failed.isEmpty();
    }
}
