package io.tartan.query.server;

import java.net.URI;
import java.util.List;

/**
 * Where a {@link PartitionRouter} sends queries and how long it waits. Every field is a {@code tartan serve --route}
 * flag (README.md, "Partitions and the router").
 *
 * @param partitions         base URLs of the partition servers ({@code http://host:port}), one per partition
 * @param partitionTimeoutMs a partition that has not answered within this is reported failed and left out
 * @param partitionToken     bearer token sent to the partitions; null for none
 * @param requireComplete    answer 503 rather than a partial result when a partition fails, for every request
 *                           (a request can ask for it alone with {@code "require_complete": true})
 */
public record RouterSettings(List<URI> partitions, long partitionTimeoutMs, String partitionToken, boolean requireComplete) {
    public static final long DEFAULT_PARTITION_TIMEOUT_MS = 2000;

    public RouterSettings {
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalArgumentException("a router needs at least one partition URL");
        }
        for (URI u : partitions) {
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException("partition URL " + u + " is not an http(s)://host:port URL");
            }
        }
        if (partitions.stream().distinct().count() != partitions.size()) {
            throw new IllegalArgumentException("a partition URL is listed twice: " + partitions);
        }
        if (partitionTimeoutMs <= 0) {
            throw new IllegalArgumentException("the partition timeout must be positive, got " + partitionTimeoutMs + " ms");
        }
        if (partitionToken != null && partitionToken.isBlank()) {
            throw new IllegalArgumentException("the partition auth token is empty");
        }
        partitions = List.copyOf(partitions);
    }

    public static RouterSettings of(List<URI> partitions) {
        return new RouterSettings(partitions, DEFAULT_PARTITION_TIMEOUT_MS, null, false);
    }

    public RouterSettings withPartitionTimeoutMs(long ms) {
        return new RouterSettings(partitions, ms, partitionToken, requireComplete);
    }

    public RouterSettings withPartitionToken(String token) {
        return new RouterSettings(partitions, partitionTimeoutMs, token, requireComplete);
    }

    public RouterSettings withRequireComplete(boolean b) {
        return new RouterSettings(partitions, partitionTimeoutMs, partitionToken, b);
    }

    @Override
    public String toString() {
        // never print the token
        return "RouterSettings[partitions=" + partitions + ", partitionTimeoutMs=" + partitionTimeoutMs + ", auth="
                + (partitionToken != null) + ", requireComplete=" + requireComplete + "]";
    }
}
