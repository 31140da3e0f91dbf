package io.tartan.query.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Per-query ranking metrics as trec_eval / pytrec_eval (BEIR) compute them: nDCG@k with linear gains
 * ({@code Σ rel_i / log2(i + 1)}, ideal ranking from all judged grades), reciprocal rank of the first relevant
 * document within k, and recall@k over the documents with grade &gt; 0.
 */
public final class RetrievalMetrics {
    private RetrievalMetrics() {
    }

    public static double ndcg(List<String> ranked, Map<String, Integer> judgements, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            int rel = Math.max(0, judgements.getOrDefault(ranked.get(i), 0));
            dcg += rel / log2(i + 2);
        }
        int[] ideal = judgements.values().stream().mapToInt(g -> Math.max(0, g)).toArray();
        Arrays.sort(ideal);
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.length); i++) {
            idcg += ideal[ideal.length - 1 - i] / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    public static double reciprocalRank(List<String> ranked, Map<String, Integer> judgements, int k) {
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (judgements.getOrDefault(ranked.get(i), 0) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    public static double recall(List<String> ranked, Map<String, Integer> judgements, int k) {
        long relevant = judgements.values().stream().filter(g -> g > 0).count();
        if (relevant == 0) {
            return 0;
        }
        long found = ranked.stream().limit(k).filter(d -> judgements.getOrDefault(d, 0) > 0).count();
        return (double) found / relevant;
    }

    /** Share of {@code truth}'s first k entries that appear in {@code ranked}'s first k (overlap@k, e.g. PLAID vs exact). */
    public static double overlap(List<String> ranked, List<String> truth, int k) {
        List<String> t = truth.subList(0, Math.min(k, truth.size()));
        if (t.isEmpty()) {
            return 1;
        }
        long hit = ranked.stream().limit(k).filter(t::contains).count();
        return (double) hit / t.size();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
