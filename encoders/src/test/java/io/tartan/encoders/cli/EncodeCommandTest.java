package io.tartan.encoders.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncodeCommandTest {
  @TempDir Path dir;

  @Test
  void printsKeptTokensAndShape() {
    Result r = run("--text", "Hello, world!", "--doc-maxlen", "64", "--threads", "2");
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("shape: [6 x 384]"), r.out); // [CLS] [unused1] passage hello world [SEP]
    assertTrue(r.out.contains("[unused1]") && r.out.contains("passage") && r.out.contains("hello") && !r.out.contains(" , "), r.out);
    assertTrue(r.out.contains("NOT ColBERT-trained"), r.out);

    Result q = run("--text", "Hello, world!", "--query", "--query-maxlen", "16", "--values", "0",
        "--threads", "2");
    assertEquals(0, q.code, q.err);
    assertTrue(q.out.contains("shape: [16 x 384]"), q.out);
    assertTrue(q.out.contains("[MASK]"), q.out);
  }

  @Test
  void badInputExitsWithTwoAndAClearMessage() {
    assertEquals(2, run().code);
    Path missing = dir.resolve("missing.json");
    Result r = run("--text", "x", "--model-config", missing.toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains(missing.toString()), r.err);
    Result tooShort = run("--text", "x", "--doc-maxlen", "2");
    assertEquals(2, tooShort.code);
    assertTrue(tooShort.err.contains("doc_maxlen"), tooShort.err);
    assertEquals(2, run("--text", "x", "--device", "tpu").code);
    assertEquals(2, run("--text", "x", "--doc-maxlen", "many").code);
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = EncodeCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }
}
