package io.tartan.query;

/** One ranked document: its user id, internal pid and MaxSim score. */
public record SearchHit(String docId, long pid, float score) {
}
