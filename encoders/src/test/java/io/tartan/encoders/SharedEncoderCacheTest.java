package io.tartan.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One encoder per JVM for a config and options, as Spark tasks in one executor need. */
class SharedEncoderCacheTest {
  @Test
  void concurrentFirstCallsShareOneEncoder() throws Exception {
    EncoderConfig config = TestModels.bundled().withDocMaxlen(64);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<TokenEncoder>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(() -> TokenEncoders.shared(config, TestModels.SMALL_BATCHES));
      }
      List<Future<TokenEncoder>> results = pool.invokeAll(calls);
      TokenEncoder first = results.get(0).get();
      for (Future<TokenEncoder> f : results) {
        assertSame(first, f.get());
      }
      assertSame(first, TokenEncoders.shared(EncoderConfig.bundled().withDocMaxlen(64),
          TestModels.SMALL_BATCHES), "equal configs loaded separately share the encoder");
      first.close(); // a no-op for shared encoders: still usable
      assertEquals(63, first.encodeDocument(TestModels.words(100)).numTokens(), "64 less the prefix's colon");
      assertNotSame(first, TestModels.sharedBundled(), "another config, another encoder");
    } finally {
      pool.shutdownNow();
    }
  }
}
