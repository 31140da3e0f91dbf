package io.tartan.jobs.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Packs test classes (a probe job's main class and its nested classes) into a jar that can be submitted to a
 * cluster next to the shaded jar, so the probe runs on executors exactly as an application would.
 */
final class AppJar {
    private AppJar() {
    }

    /** Writes {@code out} holding {@code mains} and their nested and anonymous classes. */
    static Path of(Path out, Class<?>... mains) {
        try {
            Files.createDirectories(out.getParent());
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(os)) {
                for (Class<?> main : mains) {
                    Path root = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
                    String pkg = main.getPackageName().replace('.', '/');
                    String simple = main.getSimpleName();
                    List<Path> files;
                    try (Stream<Path> s = Files.list(root.resolve(pkg))) {
                        files = s.filter(p -> {
                            String n = p.getFileName().toString();
                            return n.equals(simple + ".class") || n.startsWith(simple + "$");
                        }).sorted().toList();
                    }
                    for (Path f : files) {
                        jar.putNextEntry(new JarEntry(pkg + "/" + f.getFileName()));
                        jar.write(Files.readAllBytes(f));
                        jar.closeEntry();
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
