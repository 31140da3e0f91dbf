package io.tartan.jobs.update;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The drift check of one update run: how far the new documents are from the frozen codec and how much of the corpus
 * has changed since the last full build, against the thresholds beyond which a full rebuild (new centroids and
 * buckets) is recommended.
 *
 * @param sampledTokens       new tokens the residual statistics were measured on
 * @param farResidualShare    share of those tokens whose mean |residual| exceeds {@code farFactor} × the codec's
 * @param avgResidual         mean |residual| of the new tokens
 * @param codecAvgResidual    mean |residual| of the codec's training sample ({@code avg_residual})
 * @param avgResidualChange   {@code avgResidual / codecAvgResidual − 1}
 * @param changedFraction     documents changed since the last build (this run included) / documents at that build
 * @param reasons             the thresholds exceeded; empty when no rebuild is needed
 */
public record DriftReport(
        long sampledTokens,
        double farResidualShare,
        double avgResidual,
        double codecAvgResidual,
        double avgResidualChange,
        long changedDocuments,
        long documentsAtBuild,
        double changedFraction,
        List<String> reasons) {

    /** Where a rebuild becomes advisable. ColBERT's rule of thumb: past ~5% of the corpus changed. */
    public record Thresholds(double changedFraction, double farResidualShare, double avgResidualChange) {
        public Thresholds {
            if (changedFraction <= 0 || farResidualShare <= 0 || avgResidualChange <= 0) {
                throw new IllegalArgumentException("drift thresholds must be > 0");
            }
        }
    }

    public static DriftReport of(ResidualDrift drift, double codecAvgResidual, ChangeHistory after, Thresholds t) {
        double change = codecAvgResidual == 0 ? 0 : drift.avgAbsResidual() / codecAvgResidual - 1;
        List<String> reasons = new ArrayList<>();
        if (after.changedFraction() > t.changedFraction()) {
            reasons.add(String.format(Locale.ROOT, "%.1f%% of the documents changed since the last full build "
                    + "(threshold %.1f%%)", 100 * after.changedFraction(), 100 * t.changedFraction()));
        }
        if (drift.tokens() > 0 && drift.farShare() > t.farResidualShare()) {
            reasons.add(String.format(Locale.ROOT, "%.1f%% of the new tokens are far from every centroid "
                    + "(threshold %.1f%%)", 100 * drift.farShare(), 100 * t.farResidualShare()));
        }
        if (drift.tokens() > 0 && change > t.avgResidualChange()) {
            reasons.add(String.format(Locale.ROOT, "the new tokens' mean residual is %.0f%% above the codec's "
                    + "(threshold %.0f%%)", 100 * change, 100 * t.avgResidualChange()));
        }
        return new DriftReport(drift.tokens(), drift.farShare(), drift.avgAbsResidual(), codecAvgResidual, change,
                after.changedDocuments(), after.documentsAtBuild(), after.changedFraction(), List.copyOf(reasons));
    }

    @JsonProperty
    public boolean rebuildRecommended() {
        return !reasons.isEmpty();
    }

    /** One line for the job's output. */
    public String describe() {
        String s = String.format(Locale.ROOT, "drift: %.2f%% of the corpus changed since the last build, "
                + "%.2f%% far residuals, mean residual %+.1f%% vs the codec (%d tokens)", 100 * changedFraction,
                100 * farResidualShare, 100 * avgResidualChange, sampledTokens);
        return rebuildRecommended() ? s + "; full rebuild recommended: " + String.join("; ", reasons) : s;
    }
}
