package io.tartan.query.server;

import java.net.URI;

/** A partition that gave no usable answer to a routed request, and why (timeout, refused connection, its status). */
public record PartitionFailure(URI url, String error) {
}
