package io.tartan.query.storage;

import io.tartan.format.IndexFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** An index on local disk, read with java.nio. */
public final class LocalStorage implements IndexStorage {
    private final String uri;
    private final Path root;

    public LocalStorage(String uri, Path root) {
        this.uri = uri;
        this.root = root;
    }

    public Path root() {
        return root;
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public List<String> list(String folder) {
        Path dir = root.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(String relativePath) {
        return readFile(localFile(relativePath));
    }

    /** The whole of a local file; {@link IndexFormatException} naming it if it does not exist. */
    public static byte[] readFile(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new IndexFormatException(p + ": file not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path localFile(String relativePath) {
        return root.resolve(relativePath);
    }

    @Override
    public String describe(String relativePath) {
        return localFile(relativePath).toString();
    }
}
