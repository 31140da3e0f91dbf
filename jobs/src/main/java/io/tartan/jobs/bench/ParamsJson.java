package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchParams;

import java.util.Locale;

/** Resolved search parameters as the benchmark JSON records them, and their one-line description for tables. */
final class ParamsJson {
    private ParamsJson() {
    }

    static ObjectNode of(SearchParams sp, int k) {
        SearchParams.Resolved r = sp.resolve(k);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("mode", sp.mode().name().toLowerCase(Locale.ROOT));
        o.put("ncells", r.ncells());
        if (r.pruning()) {
            o.put("centroid_score_threshold", r.threshold());
        }
        o.put("ndocs", r.ndocs());
        return o;
    }

    /** "ncells 4, ndocs 256" or "ncells 1, threshold 0.5, ndocs 256". */
    static String describe(JsonNode p) {
        return "ncells " + p.get("ncells").asInt() + (p.has("centroid_score_threshold")
                ? ", threshold " + p.get("centroid_score_threshold").asDouble() : "") + ", ndocs " + p.get("ndocs").asInt();
    }
}
