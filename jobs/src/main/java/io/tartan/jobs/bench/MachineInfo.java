package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** Where and when a figure was measured: stored with every benchmark result so the docs can state it. */
record MachineInfo(String cpu, int cores, long maxHeapMb, String java, String os, String date) {
    static MachineInfo current() {
        String cpu = cpuModel().orElse(System.getProperty("os.arch"));
        return new MachineInfo(cpu, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("cpu", cpu);
        o.put("cores", cores);
        o.put("max_heap_mb", maxHeapMb);
        o.put("java", java);
        o.put("os", os);
        o.put("date", date);
        return o;
    }

    String describe() {
        return String.format("%s, %d cores, %s, -Xmx %d MB, %s", cpu, cores, os, maxHeapMb, java) + "; " + date;
    }
}
