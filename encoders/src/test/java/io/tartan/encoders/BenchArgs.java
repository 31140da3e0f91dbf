package io.tartan.encoders;

import java.util.HashMap;
import java.util.Map;

/** The {@code --key value} arguments of the encoder benchmarks (tools, not CLIs: no parser library). */
final class BenchArgs {
  private final Map<String, String> values = new HashMap<>();

  BenchArgs(String[] args) {
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("expected --key value pairs, got an odd number of arguments");
    }
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --key value pairs, got " + args[i]);
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
  }

  String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  String required(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }
}
