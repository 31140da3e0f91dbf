package io.tartan.jobs.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a Spark distribution, made from the Maven jars on the test classpath: a folder whose {@code jars/}
 * links to Spark and its dependencies, as {@code $SPARK_HOME/jars} does. A Worker builds its executors' classpath
 * from it, so it must hold what a real distribution holds and nothing of Tartan's: Tartan's classes, and every
 * library the shaded jar bundles, are left out, so a cluster job only runs if the shaded jar is complete.
 */
final class SparkHome {
    private static final Pattern BUNDLED = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");

    private final Path dir;
    private final List<Path> jars;

    private SparkHome(Path dir, List<Path> jars) {
        this.dir = dir;
        this.jars = jars;
    }

    /** Links Spark's jars from this JVM's classpath into {@code dir/jars}, leaving out what {@code appJar} bundles. */
    static SparkHome create(Path dir, Path appJar) {
        Set<String> bundled = bundledArtifacts(appJar);
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            // module output folders and sibling module jars are Tartan's own code
            if (!name.endsWith(".jar") || name.startsWith("tartan-") || !Files.isRegularFile(p)
                    || isBundled(p, bundled)) {
                continue;
            }
            jars.add(p.toAbsolutePath());
        }
        if (jars.stream().noneMatch(j -> j.getFileName().toString().startsWith("spark-core_"))) {
            throw new IllegalStateException("spark-core is not on the test classpath: cannot make a SPARK_HOME");
        }
        try {
            Path jarsDir = Files.createDirectories(dir.resolve("jars"));
            Set<String> names = new LinkedHashSet<>();
            for (Path j : jars) {
                if (names.add(j.getFileName().toString())) {
                    Files.createSymbolicLink(jarsDir.resolve(j.getFileName()), j);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make SPARK_HOME " + dir + ": " + e.getMessage(), e);
        }
        return new SparkHome(dir, List.copyOf(jars));
    }

    /** groupId/artifactId of every library the shaded jar carries (the shade plugin keeps their pom.properties). */
    static Set<String> bundledArtifacts(Path appJar) {
        Set<String> out = new LinkedHashSet<>();
        try (JarFile jar = new JarFile(appJar.toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                Matcher m = BUNDLED.matcher(e.nextElement().getName());
                if (m.matches()) {
                    out.add(m.group(1) + "/" + m.group(2));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + appJar + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** A repository jar lives at {@code …/group/path/artifact/version/artifact-version.jar}. */
    private static boolean isBundled(Path jar, Set<String> bundled) {
        String path = jar.toAbsolutePath().toString().replace(File.separatorChar, '/');
        for (String ga : bundled) {
            int slash = ga.indexOf('/');
            String repoPath = "/" + ga.substring(0, slash).replace('.', '/') + "/" + ga.substring(slash + 1) + "/";
            if (path.contains(repoPath)) {
                return true;
            }
        }
        return false;
    }

    Path dir() {
        return dir;
    }

    /** The classpath a Spark daemon or spark-submit of this distribution runs with. */
    String classpath() {
        return String.join(File.pathSeparator, jars.stream().map(Path::toString).toList());
    }
}
