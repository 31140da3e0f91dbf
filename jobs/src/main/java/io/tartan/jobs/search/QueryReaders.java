package io.tartan.jobs.search;

import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.input.CorpusReader;
import io.tartan.jobs.input.CorpusReaders;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.InputFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the reader of a query set by {@code --format}: {@code jsonl} (text or vectors per line), {@code parquet}
 * ({@code id, text}), {@code parquet-vectors} ({@code id, vectors: list<list<float>>}) or {@code npy}; {@code auto}
 * goes by the file name ({@code .npy}, {@code .parquet}, else JSONL) and, for Parquet, by whether the schema has a
 * {@code vectors} column. Parquet queries are read by the corpus reader, with the corpus's field names and checks.
 */
public final class QueryReaders {
    public static final List<String> FORMATS = List.of("auto", "jsonl", "parquet", "parquet-vectors", "npy");

    private QueryReaders() {
    }

    /**
     * @param idsFile ids of npy queries, one per line (null: row numbers)
     * @param dim     the index's vector width
     */
    public static CorpusReader open(String format, String queries, String idsFile, int dim, String output,
            Configuration conf) {
        String f = format.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(f)) {
            throw new IllegalArgumentException("--format must be one of " + FORMATS + ", got '" + format + "'");
        }
        if (f.equals("auto")) {
            f = detect(queries, conf);
        }
        if (idsFile != null && !f.equals("npy")) {
            throw new IllegalArgumentException("--query-ids is for npy queries; " + f + " queries carry their ids");
        }
        HadoopConf hc = new HadoopConf(conf);
        return switch (f) {
            case "jsonl" -> new JsonlQueryReader(InputFiles.list(conf, queries, ".jsonl"), dim);
            case "npy" -> NpyQueryReader.open(queries, idsFile, hc, dim);
            // the corpus reader takes its settings from an index config; output is only where it would build
            default -> CorpusReaders.open(IndexConfig.fromMap(Map.of("input", queries, "output", output, "format", f,
                    "dim", Integer.toString(dim))), conf);
        };
    }

    static String detect(String queries, Configuration conf) {
        String lower = queries.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".npy")) {
            return "npy";
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
            return "jsonl";
        }
        List<String> parquet;
        try {
            parquet = InputFiles.list(conf, queries, ".parquet");
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("input not found")) {
                throw new IllegalArgumentException("queries not found: " + queries);
            }
            return "jsonl";
        }
        if (!parquet.get(0).toLowerCase(Locale.ROOT).endsWith(".parquet")) {
            return "jsonl";
        }
        return hasVectors(parquet.get(0), conf) ? "parquet-vectors" : "parquet";
    }

    private static boolean hasVectors(String file, Configuration conf) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
            return r.getFooter().getFileMetaData().getSchema().containsField("vectors");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
