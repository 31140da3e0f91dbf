package io.tartan.query.bench;

import io.tartan.query.eval.Qrels;
import io.tartan.query.eval.RetrievalMetrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a run is scored, on the points where evaluators differ.
 *
 * @param graded     nDCG gains are the qrels grades (trec_eval, pytrec_eval); else every relevant document gains 1
 * @param minGrade   the least grade that counts as relevant for MRR, recall and binary gains (trec_eval's
 *                   relevance_level); graded nDCG still gains from every positive grade
 * @param allQueries averages over every query in queries.jsonl, a query without judgements counting 0; else over the
 *                   judged ones only (trec_eval, pytrec_eval)
 * @param dropSelf   leaves out a retrieved document whose id equals the query id before cutting the ranking (BEIR's
 *                   {@code EvaluateRetrieval.evaluate(…, ignore_identical_ids=True)}, its default)
 * @param ties       the order of equal scores
 */
record EvalProtocol(boolean graded, int minGrade, boolean allQueries, boolean dropSelf, Ties ties) {
    enum Ties {
        /** Collection order, as Lucene returns equal scores. */
        INDEX,
        /** Document id descending as a string: trec_eval (and pytrec_eval) re-sort a run this way. */
        ID_DESC,
        ID_ASC
    }

    /** Mean nDCG@10, MRR@10 and Recall@100. */
    record Figures(double ndcg10, double mrr10, double recall100) {
    }

    /** The protocol's name without {@link #minGrade}, which a collection fixes (it is named with the collection). */
    String name() {
        return (graded ? "graded" : "binary") + " " + (allQueries ? "all" : "judged") + " "
                + (dropSelf ? "drop-self" : "keep-self") + " " + ties.name().toLowerCase().replace('_', '-');
    }

    /**
     * Scores one run.
     *
     * @param queryIds the collection's queries, in file order
     * @param ranked   per query, the ranking under {@link #ties} with at least 101 entries where that many matched
     */
    Figures evaluate(List<String> queryIds, List<List<String>> ranked, Qrels qrels) {
        double ndcg = 0;
        double rr = 0;
        double recall = 0;
        int counted = 0;
        for (int q = 0; q < queryIds.size(); q++) {
            String qid = queryIds.get(q);
            if (!qrels.isJudged(qid)) {
                counted += allQueries ? 1 : 0;
                continue;
            }
            counted++;
            List<String> run = ranked.get(q);
            if (dropSelf && run.contains(qid)) {
                run = run.stream().filter(d -> !d.equals(qid)).toList();
            }
            Map<String, Integer> gains = new HashMap<>();
            Map<String, Integer> relevant = new HashMap<>();
            qrels.judgements(qid).forEach((d, g) -> {
                boolean rel = g >= minGrade;
                gains.put(d, graded ? Math.max(0, g) : rel ? 1 : 0);
                relevant.put(d, rel ? 1 : 0);
            });
            ndcg += RetrievalMetrics.ndcg(run, gains, 10);
            rr += RetrievalMetrics.reciprocalRank(run, relevant, 10);
            recall += RetrievalMetrics.recall(run, relevant, 100);
        }
        return new Figures(ndcg / counted, rr / counted, recall / counted);
    }
}
