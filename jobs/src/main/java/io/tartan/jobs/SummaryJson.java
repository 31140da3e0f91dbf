package io.tartan.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/** How every job's run summary is written ({@code metadata/v<N>.summary.json}, stdout): indented, snake_case keys. */
public final class SummaryJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryJson() {
    }

    public static String write(Object summary) {
        try {
            return JSON.writeValueAsString(summary);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + summary.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
