package io.tartan.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * ColBERT formatting and vector properties, on the bundled e5-small-v2: its "query: " / "passage: " prefixes come
 * right after the marker (the document prefix's colon is punctuation, dropped like any other).
 */
class BundledEncoderTest {
  private static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";
  /** e5-small-v2 with its prefixes, as in the manifests of the indexes it built (docs/BENCHMARKS.md). */
  static final String BUNDLED_CHECKSUM =
      "sha256:fe2b932a7a0a991a1ac6666f18477fa13960211e363fef6e316a90524329bc2c";
  static final String UNPREFIXED_CHECKSUM =
      "sha256:b87106a7e9e5415ebb20ea78a6539d52e3bdd7ca9262e839814e0cdb8d8c7958";
  private final TokenEncoder encoder = TestModels.sharedBundled();

  @Test
  void describesItself() {
    assertEquals("e5-small-v2", encoder.encoderId());
    assertTrue(encoder.name().contains("NOT ColBERT-trained"), encoder.name());
    assertTrue(encoder.checksum().matches("sha256:[0-9a-f]{64}"), encoder.checksum());
    assertEquals(384, encoder.dim());
    assertEquals(32, encoder.queryMaxlen());
    assertEquals(220, encoder.docMaxlen());
    assertEquals(ExecutionDevice.cpu(), encoder.device().actual());
  }

  @Test
  void queryIdsMatchTokenizerJsonVocabulary() {
    Map<String, Integer> vocab = TestModels.tokenizerJsonVocab();
    List<String> expected = new ArrayList<>(List.of("[CLS]", "[unused0]", "query", ":", "the", "quick", "brown",
        "fox", "jumps", "over", "the", "lazy", "dog", ".", "[SEP]"));
    while (expected.size() < 32) {
      expected.add("[MASK]");
    }
    TokenEmbeddings query = encoder.encodeQuery(SENTENCE);
    assertEquals(expected, query.tokens());
    assertArrayEquals(expected.stream().mapToInt(vocab::get).toArray(), query.tokenIds());
    assertEquals(1, query.tokenIds()[1], "[unused0] is id 1 in BERT's vocabulary");
  }

  @Test
  void documentIdsMatchTokenizerJsonVocabularyWithoutPunctuation() {
    Map<String, Integer> vocab = TestModels.tokenizerJsonVocab();
    List<String> expected = List.of("[CLS]", "[unused1]", "passage", "the", "quick", "brown", "fox", "jumps", "over",
        "the", "lazy", "dog", "[SEP]");
    TokenEmbeddings doc = encoder.encodeDocument(SENTENCE);
    assertEquals(expected, doc.tokens());
    assertArrayEquals(expected.stream().mapToInt(vocab::get).toArray(), doc.tokenIds());
  }

  @Test
  void wordPiecesComeFromTheVocabulary() {
    Map<String, Integer> vocab = TestModels.tokenizerJsonVocab();
    TokenEmbeddings doc = encoder.encodeDocument("Tokenization of unbelievably long words");
    List<String> tokens = doc.tokens();
    int[] ids = doc.tokenIds();
    for (int i = 0; i < tokens.size(); i++) {
      assertEquals(vocab.get(tokens.get(i)), ids[i], tokens.get(i));
    }
    String joined = String.join(" ", tokens.subList(3, tokens.size() - 1)).replace(" ##", "");
    assertEquals("tokenization of unbelievably long words", joined);
    assertTrue(tokens.size() > 8, "long words split into word pieces: " + tokens);
  }

  @Test
  void queriesAreAlwaysQueryMaxlenLongWithMaskPadding() {
    List<TokenEmbeddings> queries = encoder.encodeQueries(List.of("", "protein binding", TestModels.words(100)));
    for (TokenEmbeddings q : queries) {
      assertEquals(32, q.numTokens());
      assertEquals(32 * 384, q.vectors().length);
      assertEquals("[CLS]", q.tokens().get(0));
      assertEquals("[unused0]", q.tokens().get(1));
    }
    // a blank query gets no prefix (like a blank document): its rows are the specials and [MASK] alone
    assertEquals(List.of("[CLS]", "[unused0]", "[SEP]"), queries.get(0).tokens().subList(0, 3));
    assertTrue(queries.get(0).tokens().subList(3, 32).stream().allMatch("[MASK]"::equals));
    assertEquals("[SEP]", queries.get(1).tokens().get(6));
    assertTrue(queries.get(1).tokens().subList(7, 32).stream().allMatch("[MASK]"::equals));
    // a long query is cut so that [SEP] is the 32nd token: no [MASK] left
    assertEquals("[SEP]", queries.get(2).tokens().get(31));
    assertFalse(queries.get(2).tokens().contains("[MASK]"));
  }

  @Test
  void maskPaddingIsAttendedSoMaskVectorsDependOnTheQuery() {
    List<TokenEmbeddings> q = encoder.encodeQueries(List.of("protein binding", "late interaction retrieval"));
    // attended [MASK] tokens see the query, so their vectors differ between queries (query augmentation)
    float[] maskA = q.get(0).row(20);
    float[] maskB = q.get(1).row(20);
    assertTrue(TestModels.maxAbsDiff(maskA, maskB) > 1e-3);
  }

  @Test
  void documentsDropPunctuationButQueriesKeepIt() {
    String text = "Hello, world! (Tests): a-b; \"quoted\" 50% & more... ok?";
    TokenEmbeddings doc = encoder.encodeDocument(text);
    for (String token : doc.tokens()) {
      assertFalse(token.length() == 1 && PunctuationSkiplist.PUNCTUATION.contains(token), "kept " + token);
    }
    assertEquals(List.of("[CLS]", "[unused1]", "passage", "hello", "world", "tests", "a", "b", "quoted", "50", "more",
        "ok", "[SEP]"), doc.tokens());
    TokenEmbeddings query = encoder.encodeQuery("Hello, world!");
    assertEquals(List.of("[CLS]", "[unused0]", "query", ":", "hello", ",", "world", "!", "[SEP]"),
        query.tokens().subList(0, 9));
  }

  @Test
  void punctuationIsDroppedAfterEncodingSoOtherVectorsStillSeeIt() {
    // the skiplist removes vectors, not input tokens: "world" after a comma differs from "world" without one
    TokenEmbeddings withComma = encoder.encodeDocument("hello, world");
    TokenEmbeddings without = encoder.encodeDocument("hello world");
    assertEquals(withComma.tokens(), without.tokens());
    assertTrue(TestModels.maxAbsDiff(withComma.row(4), without.row(4)) > 1e-4);
  }

  @Test
  void vectorsAreUnitLength() {
    List<TokenEmbeddings> all = new ArrayList<>(encoder.encodeDocuments(List.of(SENTENCE, TestModels.words(300))));
    all.addAll(encoder.encodeQueries(List.of(SENTENCE)));
    for (TokenEmbeddings e : all) {
      for (int i = 0; i < e.numTokens(); i++) {
        assertEquals(1.0, TestModels.norm(e.row(i)), 1e-5, "row " + i + " of " + e.tokens());
      }
    }
  }

  @Test
  void sameVectorsAloneOrInABatchAndCallerOrderKept() {
    List<String> docs = new ArrayList<>();
    for (int n : new int[] {5, 80, 1, 33, 250, 12, 7, 60, 2, 140, 19, 3}) {
      docs.add(TestModels.words(n) + (n % 2 == 0 ? "." : ""));
    }
    docs.add(4, "");
    List<TokenEmbeddings> batch = encoder.encodeDocuments(docs);
    assertEquals(docs.size(), batch.size());
    for (int i = 0; i < docs.size(); i++) {
      TokenEmbeddings alone = encoder.encodeDocument(docs.get(i));
      assertEquals(alone.tokens(), batch.get(i).tokens(), "doc " + i);
      assertTrue(TestModels.maxAbsDiff(alone.vectors(), batch.get(i).vectors()) < 1e-5, "doc " + i);
    }
    List<String> queries = List.of("what binds proteins", "", TestModels.words(50), "late interaction");
    List<TokenEmbeddings> queryBatch = encoder.encodeQueries(queries);
    for (int i = 0; i < queries.size(); i++) {
      assertTrue(TestModels.maxAbsDiff(encoder.encodeQuery(queries.get(i)).vectors(),
          queryBatch.get(i).vectors()) < 1e-5, "query " + i);
    }
  }

  @Test
  void emptyBlankAndNullDocumentsGiveZeroTokens() {
    List<TokenEmbeddings> out = encoder.encodeDocuments(Arrays.asList("", "   \n\t ", null, "x"));
    assertEquals(0, out.get(0).numTokens());
    assertEquals(0, out.get(1).numTokens());
    assertEquals(0, out.get(2).numTokens());
    assertEquals(384, out.get(0).dim());
    assertEquals(0, out.get(0).vectors().length);
    assertEquals(List.of("[CLS]", "[unused1]", "passage", "x", "[SEP]"), out.get(3).tokens());
    assertEquals(0, encoder.encodeDocuments(List.of()).size());
  }

  @Test
  void hugeDocumentsAreTruncatedToDocMaxlen() {
    String huge = TestModels.words(400_000); // ~3.5 MB
    long start = System.nanoTime();
    TokenEmbeddings doc = encoder.encodeDocument(huge);
    long millis = (System.nanoTime() - start) / 1_000_000;
    // 220 tokens went into the model; the doc prefix's colon is one of them and its vector is dropped
    assertEquals(219, doc.numTokens());
    assertEquals("[SEP]", doc.tokens().get(218));
    // truncation keeps the start of the text: same tokens as a merely long version
    assertEquals(encoder.encodeDocument(TestModels.words(400)).tokens(), doc.tokens());
    assertTrue(millis < 5_000, "took " + millis + " ms");
  }

  @Test
  void pathologicalTextDoesNotCrash() {
    String noWhitespace = "x".repeat(300_000) + "a.b".repeat(50_000);
    String oddChars = "\uD800 lone surrogate \u0000 nul \u200B zero-width \uFFFF \uDBFF\uDFFF emoji \uD83D\uDE00";
    List<TokenEmbeddings> out = encoder.encodeDocuments(List.of(noWhitespace, oddChars, "\u00A0\u2003"));
    assertTrue(out.get(0).numTokens() <= 220);
    assertTrue(out.get(1).numTokens() > 2);
    assertEquals(0, out.get(2).numTokens());
    assertEquals(32, encoder.encodeQuery(oddChars).numTokens());
  }

  @Test
  void isThreadSafe() throws Exception {
    List<String> docs = List.of(SENTENCE, TestModels.words(40), "Hello, world!", TestModels.words(90));
    List<TokenEmbeddings> expected = encoder.encodeDocuments(docs);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<TokenEmbeddings>>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(pool.submit(() -> encoder.encodeDocuments(docs)));
      }
      for (Future<List<TokenEmbeddings>> f : futures) {
        List<TokenEmbeddings> got = f.get();
        for (int i = 0; i < docs.size(); i++) {
          assertTrue(TestModels.maxAbsDiff(expected.get(i).vectors(), got.get(i).vectors()) < 1e-5);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void docMaxlenOverrideCountsSpecialsAndMarker() {
    TokenEncoder short16 = TokenEncoders.shared(TestModels.bundled().withDocMaxlen(16).withQueryMaxlen(8),
        TestModels.SMALL_BATCHES);
    TokenEmbeddings doc = short16.encodeDocument(TestModels.words(50));
    assertEquals(15, doc.numTokens(), "16 model tokens, less the prefix's colon");
    assertEquals(List.of("[CLS]", "[unused1]", "passage"), doc.tokens().subList(0, 3));
    assertEquals("[SEP]", doc.tokens().get(14));
    assertEquals(8, short16.encodeQuery(TestModels.words(50)).numTokens());
    assertFalse(short16.checksum().equals(encoder.checksum()), "doc_maxlen is part of the checksum");
  }

  @Test
  void checksumIsPinned() {
    // the bundled model's checksum, recorded in every manifest built with it; it must not drift with refactoring
    assertEquals(BUNDLED_CHECKSUM, encoder.checksum());
    // configs without prefixes (indexes built before query_prefix/doc_prefix existed) keep the checksum they had
    assertEquals(UNPREFIXED_CHECKSUM, plain().checksum());
  }

  @Test
  void prefixesAreTokenizedBeforeTheTextAndArePartOfTheChecksum() {
    TokenEmbeddings q = encoder.encodeQuery("fox");
    assertEquals(List.of("[CLS]", "[unused0]", "query", ":", "fox", "[SEP]", "[MASK]"), q.tokens().subList(0, 7));
    assertEquals(32, q.numTokens());
    List<TokenEmbeddings> docs = encoder.encodeDocuments(Arrays.asList("fox", " ", null));
    assertEquals(List.of("[CLS]", "[unused1]", "passage", "fox", "[SEP]"), docs.get(0).tokens());
    assertEquals(0, docs.get(1).numTokens(), "a blank document stays empty: no prefix-only vectors");
    assertEquals(0, docs.get(2).numTokens());
    // the prefix is context: the text's own vector differs from the unprefixed one
    TokenEmbeddings unprefixed = plain().encodeDocument("fox");
    assertEquals(List.of("[CLS]", "[unused1]", "fox", "[SEP]"), unprefixed.tokens());
    assertTrue(TestModels.maxAbsDiff(unprefixed.row(2), docs.get(0).row(3)) > 1e-3);
    assertFalse(plain().checksum().equals(encoder.checksum()), "prefixes change the vectors, so the checksum");
    TokenEncoder queryOnly = TokenEncoders.shared(TestModels.bundled().withPrefixes("query: ", ""),
        TestModels.SMALL_BATCHES);
    assertFalse(queryOnly.checksum().equals(encoder.checksum()));
  }

  private static TokenEncoder plain() {
    return TokenEncoders.shared(TestModels.bundled().withPrefixes("", ""), TestModels.SMALL_BATCHES);
  }
}
