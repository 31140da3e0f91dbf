package io.tartan.jobs.stage;

import java.io.Serializable;

/**
 * A document's token vectors as the index stores them ({@code [n × dim]}, pooled when the index pools), keyed by pid.
 *
 * @param inputTokens tokens the encoder or the input gave before pooling ({@code n} when nothing was pooled)
 */
public record EncodedDoc(long pid, float[] vectors, int inputTokens) implements Serializable {
}
