package io.tartan.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderConfigTest {
  @TempDir Path dir;

  @Test
  void bundledConfigPointsAtTheJarResources() {
    EncoderConfig c = EncoderConfig.bundled();
    assertEquals("e5-small-v2", c.id());
    assertEquals("classpath:e5-small-v2.onnx", c.onnx());
    assertEquals("classpath:e5-small-v2-tokenizer.json", c.tokenizer());
    assertEquals(InputNames.BERT, c.inputs());
    assertEquals(384, c.hiddenSize());
    assertEquals(384, c.dim());
    assertNull(c.projection());
    assertEquals("[unused0]", c.queryMarker());
    assertEquals("[unused1]", c.docMarker());
    assertEquals(32, c.queryMaxlen());
    assertEquals(220, c.docMaxlen());
    assertTrue(c.queryPadWithMask() && c.queryAttendToMask() && c.docSkipPunctuation());
    // e5 was trained with these prefixes; without them its vectors are worse (encoders/README.md)
    assertEquals("query: ", c.queryPrefix());
    assertEquals("passage: ", c.docPrefix());
  }

  @Test
  void defaultsFollowColbert() throws IOException {
    Path file = Files.writeString(dir.resolve("my-model.json"),
        "{\"onnx\": \"sub/model.onnx\", \"tokenizer\": \"/abs/tokenizer.json\", \"hidden_size\": 768,"
            + " \"projection\": \"linear.npy\", \"inputs\": {\"input_ids\": \"ids\"}}");
    EncoderConfig c = EncoderConfig.load(file);
    assertEquals("my-model", c.id());
    assertEquals("my-model", c.name());
    assertEquals(dir.resolve("sub/model.onnx").toString(), c.onnx());
    assertEquals("/abs/tokenizer.json", c.tokenizer());
    assertEquals(dir.resolve("linear.npy").toString(), c.projection());
    assertEquals(new InputNames("ids", "attention_mask", null), c.inputs());
    assertEquals("last_hidden_state", c.output());
    assertEquals(0, c.dim());
    assertEquals("[MASK]", c.maskToken());
    assertEquals("[PAD]", c.padToken());
    assertEquals(32, c.queryMaxlen());
    assertEquals(220, c.docMaxlen());
    assertFalse(c.projectionTransposed());
  }

  @Test
  void jsonRoundTrips() throws IOException {
    EncoderConfig c = EncoderConfig.bundled().withDocMaxlen(180);
    Path file = Files.writeString(dir.resolve("copy.json"), c.toJson());
    assertEquals(c, EncoderConfig.load(file));
    assertEquals("query: ", EncoderConfig.load(file).queryPrefix());
    EncoderConfig none = c.withPrefixes("", "");
    assertFalse(none.toJson().contains("prefix"), "no prefix keys when there are none");
    Path withoutPrefixes = Files.writeString(dir.resolve("none.json"), none.toJson());
    assertEquals(none, EncoderConfig.load(withoutPrefixes));
    assertEquals("", EncoderConfig.load(withoutPrefixes).docPrefix());
  }

  @Test
  void shippedExampleConfigsParse() {
    for (String name : List.of("colbertv2.0", "answerai-colbert-small-v1", "jina-colbert-v2")) {
      EncoderConfig c = EncoderConfig.load("classpath:io/tartan/encoders/configs/" + name + ".json");
      assertEquals(name, c.id());
      assertTrue(c.onnx().startsWith("classpath:io/tartan/encoders/configs/"), c.onnx());
    }
    // selectable sentence models whose ONNX graphs come in langchain4j jars (put on the classpath to use them)
    for (String name : List.of("all-minilm-l6-v2", "e5-small-v2-q", "bge-small-en-v15", "bge-small-en-v15-q",
        "all-minilm-l6-v2-q")) {
      EncoderConfig c = EncoderConfig.load("classpath:io/tartan/encoders/configs/" + name + ".json");
      assertEquals(name, c.id());
      assertEquals(384, c.dim());
      assertTrue(c.onnx().startsWith("classpath:") && !c.onnx().contains("/"), c.onnx());
      assertEquals(name.startsWith("e5") ? "query: " : "", c.queryPrefix());
      assertEquals(name.startsWith("e5") ? "passage: " : "", c.docPrefix());
    }
    EncoderConfig jina = EncoderConfig.load("classpath:io/tartan/encoders/configs/jina-colbert-v2.json");
    assertNull(jina.inputs().tokenTypeIds());
    assertEquals(List.of(64, 96, 128), jina.matryoshkaDims());
    assertEquals(64, jina.withDim(64).dim());
  }

  @Test
  void shippedConfigsAreFoundByIdAndTellWhetherTheirJarIsThere() {
    EncoderConfig e5 = EncoderConfig.shipped("e5-small-v2").orElseThrow();
    assertEquals(EncoderConfig.bundled(), e5);
    assertTrue(e5.filesPresent(), "the bundled model's jar is a dependency");
    // MiniLM's jar is no dependency any more: its config is shipped, its files are not
    EncoderConfig minilm = EncoderConfig.shipped("all-minilm-l6-v2").orElseThrow();
    assertFalse(minilm.filesPresent());
    assertTrue(EncoderConfig.shipped("no-such-model").isEmpty());
    assertTrue(EncoderConfig.shipped("../configs/e5-small-v2").isEmpty());
    assertTrue(EncoderConfig.shipped(null).isEmpty());
  }

  @Test
  void maxlensMustLeaveRoomForText() {
    assertThrows(IllegalArgumentException.class, () -> EncoderConfig.bundled().withDocMaxlen(3));
    assertThrows(IllegalArgumentException.class, () -> EncoderConfig.bundled().withQueryMaxlen(600));
  }

  @Test
  void devicesParseLikeSparkAddresses() {
    assertEquals(ExecutionDevice.cpu(), ExecutionDevice.parse("CPU"));
    assertEquals(ExecutionDevice.cuda(0), ExecutionDevice.parse("cuda"));
    assertEquals(ExecutionDevice.cuda(3), ExecutionDevice.parse("cuda:3"));
    assertEquals(ExecutionDevice.cuda(1), ExecutionDevice.parse(" 1 "));
    assertEquals("cuda:2", ExecutionDevice.cuda(2).toString());
    assertThrows(IllegalArgumentException.class, () -> ExecutionDevice.parse("tpu"));
    assertThrows(IllegalArgumentException.class, () -> ExecutionDevice.parse("cuda:-1"));
  }
}
