package io.tartan.query.cli;

import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The Hadoop / S3A settings (endpoint, credentials provider, path-style access …) that every {@code tartan} command
 * takes the same way. Later sources win:
 * <ol>
 *   <li>{@code core-site.xml} in {@code $HADOOP_CONF_DIR}: read by {@link #configuration()}; scripts/tartan and
 *       Spark's launcher also put that folder on the classpath, where Hadoop and Spark look for it;</li>
 *   <li>{@code --hadoop-conf-file FILE}, repeatable, in order: Java properties ({@code key=value} lines) or, for a
 *       name ending in {@code .xml}, a Hadoop configuration file;</li>
 *   <li>{@code --conf KEY=VALUE} (alias {@code --hadoop-conf KEY=VALUE}), repeatable.</li>
 * </ol>
 * A key may carry Spark's {@code spark.hadoop.} prefix, which is dropped, so lines from spark-defaults.conf work.
 */
public final class HadoopOptions {
    private static final Logger LOG = LoggerFactory.getLogger(HadoopOptions.class);
    static final String CONF_DIR_ENV = "HADOOP_CONF_DIR";
    private static final String SPARK_PREFIX = "spark.hadoop.";
    /** A setting as opposed to a file name: a key of config-name characters, then '='. */
    private static final Pattern SETTING = Pattern.compile("[A-Za-z0-9_.\\-]+=.*", Pattern.DOTALL);

    @Option(names = {"--conf", "--hadoop-conf"}, paramLabel = "KEY=VALUE",
            description = "a Hadoop/S3A setting, e.g. fs.s3a.endpoint=http://127.0.0.1:9000 (repeatable; wins over "
                    + "--hadoop-conf-file and $HADOOP_CONF_DIR/core-site.xml)")
    List<String> settings = new ArrayList<>();

    @Option(names = "--hadoop-conf-file", paramLabel = "FILE",
            description = "Hadoop/S3A settings from a file: key=value properties, or Hadoop XML if the name ends in "
                    + ".xml (repeatable; later files win)")
    List<Path> files = new ArrayList<>();

    public HadoopOptions() {
    }

    /** Options given programmatically (drivers that parse their own arguments, tests). */
    public HadoopOptions(List<String> settings, List<Path> files) {
        this.settings = new ArrayList<>(settings);
        this.files = new ArrayList<>(files);
    }

    /** True if {@code value} reads as {@code KEY=VALUE} rather than a file name. */
    public static boolean isSetting(String value) {
        return SETTING.matcher(value).matches();
    }

    /**
     * Takes the Hadoop options out of a hand-parsed argument list (the index job's {@code --key value} flags):
     * {@code --hadoop-conf}, {@code --hadoop-conf-file}, and {@code --conf} when its value is a {@code KEY=VALUE}
     * setting. A {@code --conf} naming a file stays in {@code args} for the caller; both {@code --flag value} and
     * {@code --flag=value} are understood.
     */
    public static HadoopOptions takeFrom(List<String> args) {
        List<String> settings = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            int eq = a.indexOf('=');
            String flag = eq >= 0 ? a.substring(0, eq) : a;
            boolean known = flag.equals("--conf") || flag.equals("--hadoop-conf") || flag.equals("--hadoop-conf-file")
                    || flag.equals("--hadoop_conf") || flag.equals("--hadoop_conf_file");
            if (!known) {
                rest.add(a);
                continue;
            }
            String value;
            int consumed;
            if (eq >= 0) {
                value = a.substring(eq + 1);
                consumed = 0;
            } else if (i + 1 < args.size()) {
                value = args.get(i + 1);
                consumed = 1;
            } else {
                throw new IllegalArgumentException("flag " + flag + " needs a value");
            }
            if (flag.equals("--conf") && !isSetting(value)) {
                rest.add(a);
                continue;
            }
            if (flag.startsWith("--hadoop-conf-file") || flag.startsWith("--hadoop_conf_file")) {
                files.add(Path.of(value));
            } else {
                settings.add(value);
            }
            i += consumed;
        }
        args.clear();
        args.addAll(rest);
        return new HadoopOptions(settings, files);
    }

    /**
     * A new configuration: Hadoop's defaults (with any {@code core-site.xml} on the classpath), then
     * {@code $HADOOP_CONF_DIR/core-site.xml}, then these options.
     */
    public Configuration configuration() {
        return configuration(System.getenv(CONF_DIR_ENV));
    }

    Configuration configuration(String confDir) {
        Configuration conf = new Configuration();
        if (confDir != null && !confDir.isBlank()) {
            Path coreSite = Path.of(confDir, "core-site.xml");
            if (Files.isRegularFile(coreSite)) {
                copyXml(coreSite, conf);
            } else {
                LOG.warn("{}={} has no core-site.xml; no Hadoop settings read from it", CONF_DIR_ENV, confDir);
            }
        }
        applyTo(conf);
        return conf;
    }

    /**
     * {@link #configuration()} when {@code base} is null; else a copy of {@code base} (a caller's explicit
     * configuration: s3a settings, tests) with these options set over it, so the command line wins.
     */
    public Configuration over(Configuration base) {
        if (base == null) {
            return configuration();
        }
        Configuration c = new Configuration(base);
        applyTo(c);
        return c;
    }

    /**
     * Sets the files' and flags' settings on a configuration that already has its base (a Spark context's, which
     * Spark built from the classpath, where its launcher and scripts/tartan put {@code $HADOOP_CONF_DIR}).
     */
    public void applyTo(Configuration conf) {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("--hadoop-conf-file " + f + ": no such file");
            }
            if (f.getFileName().toString().endsWith(".xml")) {
                copyXml(f, conf);
            } else {
                copyProperties(f, conf);
            }
        }
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (!isSetting(s)) {
                throw new IllegalArgumentException("--conf '" + s + "' is not KEY=VALUE (a Hadoop/S3A setting such as "
                        + "fs.s3a.endpoint=http://host:9000); for a file of settings use --hadoop-conf-file FILE");
            }
            set(conf, s.substring(0, eq), s.substring(eq + 1));
        }
    }

    private static void copyXml(Path xml, Configuration conf) {
        Configuration c = new Configuration(false);
        c.addResource(new org.apache.hadoop.fs.Path(xml.toAbsolutePath().toUri()));
        try {
            for (Map.Entry<String, String> e : c) {
                set(conf, e.getKey(), e.getValue());
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(xml + ": not a Hadoop configuration file: " + e.getMessage(), e);
        }
    }

    private static void copyProperties(Path file, Configuration conf) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("--hadoop-conf-file " + file + ": " + e.getMessage(), e);
        }
        for (String name : p.stringPropertyNames()) {
            set(conf, name, p.getProperty(name));
        }
    }

    private static void set(Configuration conf, String key, String value) {
        String k = key.trim();
        if (k.startsWith(SPARK_PREFIX)) {
            k = k.substring(SPARK_PREFIX.length());
        }
        conf.set(k, value.trim(), "tartan command line");
    }
}
