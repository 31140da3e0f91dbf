package io.tartan.query.text;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Fuses a MaxSim ranking with a BM25 ranking, under the names users of peers know: {@code rrf} (reciprocal rank
 * fusion, Cormack et al. 2009, k = 60: Σ 1/(60 + rank)) and {@code relative_score} (Weaviate's relativeScoreFusion,
 * next-plaid's default: each list's scores min-max normalised to [0, 1], then {@code alpha · maxsim + (1 − alpha) ·
 * bm25}; a document missing from a list gets 0 there).
 */
public enum Fusion {
    RRF, RELATIVE_SCORE;

    /** The constant of RRF. */
    public static final int RRF_K = 60;

    public static Fusion parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fusion must be rrf or relative_score, got '" + s + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The best {@code k} of both rankings fused; {@code alpha} weighs MaxSim in relative_score. */
    public Ranked fuse(Ranked maxsim, Ranked bm25, float alpha, int k) {
        Map<Integer, Float> fused = new HashMap<>();
        if (this == RRF) {
            for (int i = 0; i < maxsim.size(); i++) {
                fused.merge(maxsim.rows()[i], 1f / (RRF_K + i + 1), Float::sum);
            }
            for (int i = 0; i < bm25.size(); i++) {
                fused.merge(bm25.rows()[i], 1f / (RRF_K + i + 1), Float::sum);
            }
        } else {
            addNormalised(fused, maxsim, alpha);
            addNormalised(fused, bm25, 1 - alpha);
        }
        Ranked.Builder top = new Ranked.Builder(k);
        fused.forEach(top::offer);
        return top.build();
    }

    private static void addNormalised(Map<Integer, Float> fused, Ranked r, float weight) {
        if (r.size() == 0) {
            return;
        }
        float max = r.scores()[0];
        float min = r.scores()[r.size() - 1];
        float range = max - min;
        for (int i = 0; i < r.size(); i++) {
            // a list of equal scores: all of it counts fully
            float norm = range > 0 ? (r.scores()[i] - min) / range : 1f;
            fused.merge(r.rows()[i], weight * norm, Float::sum);
        }
    }
}
