package io.tartan.jobs.input;

import io.tartan.jobs.IndexConfig;
import org.apache.hadoop.conf.Configuration;

/** Picks the reader for {@code --format} ({@code auto}: npy if the input holds docs.npy, Parquet by suffix, else JSONL). */
public final class CorpusReaders {
    private CorpusReaders() {
    }

    public static CorpusReader open(IndexConfig cfg, Configuration conf) {
        String format = cfg.format().equals("auto") ? detect(cfg.input(), conf) : cfg.format();
        HadoopConf hc = new HadoopConf(conf);
        long splitBytes = Math.max(1, Math.round(cfg.inputSplitMb() * 1024 * 1024));
        return switch (format) {
            case "jsonl" -> new JsonlCorpusReader(InputFiles.list(conf, cfg.input(), ".jsonl"), hc, splitBytes);
            case "parquet" -> new ParquetCorpusReader(InputFiles.list(conf, cfg.input(), ".parquet"), hc, false,
                    cfg.dim(), splitBytes);
            case "parquet-vectors" -> new ParquetCorpusReader(InputFiles.list(conf, cfg.input(), ".parquet"), hc, true,
                    cfg.dim(), splitBytes);
            case "npy" -> NpyCorpusReader.open(cfg.input(), hc);
            default -> throw new IllegalArgumentException("unknown format " + format);
        };
    }

    static String detect(String input, Configuration conf) {
        if (InputFiles.hasChild(conf, input, NpyCorpusReader.DOCS)) {
            return "npy";
        }
        String lower = input.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".parquet")) {
            return "parquet";
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
            return "jsonl";
        }
        // a directory: Parquet if it holds Parquet files
        try {
            InputFiles.list(conf, input, ".parquet");
            return "parquet";
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("input not found")) {
                throw e;
            }
            return "jsonl";
        }
    }
}
