package io.tartan.jobs.stage;

import java.io.Serializable;

/** A document's token vectors ({@code [n × dim]}), keyed by pid. */
public record EncodedDoc(long pid, float[] vectors) implements Serializable {
}
