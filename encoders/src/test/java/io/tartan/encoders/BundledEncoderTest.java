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

/** ColBERT formatting and vector properties, on the bundled all-MiniLM-L6-v2. */
class BundledEncoderTest {
  private static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";
  private final TokenEncoder encoder = TestModels.sharedBundled();

  @Test
  void describesItself() {
    assertEquals("all-minilm-l6-v2", encoder.encoderId());
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
    List<String> expected = new ArrayList<>(List.of("[CLS]", "[unused0]", "the", "quick", "brown", "fox", "jumps",
        "over", "the", "lazy", "dog", ".", "[SEP]"));
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
    List<String> expected = List.of("[CLS]", "[unused1]", "the", "quick", "brown", "fox", "jumps", "over", "the",
        "lazy", "dog", "[SEP]");
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
    String joined = String.join(" ", tokens.subList(2, tokens.size() - 1)).replace(" ##", "");
    assertEquals("tokenization of unbelievably long words", joined);
    assertTrue(tokens.size() > 7, "long words split into word pieces: " + tokens);
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
    assertEquals(List.of("[CLS]", "[unused0]", "[SEP]"), queries.get(0).tokens().subList(0, 3));
    assertTrue(queries.get(0).tokens().subList(3, 32).stream().allMatch("[MASK]"::equals));
    assertEquals("[SEP]", queries.get(1).tokens().get(4));
    assertTrue(queries.get(1).tokens().subList(5, 32).stream().allMatch("[MASK]"::equals));
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
    assertEquals(List.of("[CLS]", "[unused1]", "hello", "world", "tests", "a", "b", "quoted", "50", "more", "ok",
        "[SEP]"), doc.tokens());
    TokenEmbeddings query = encoder.encodeQuery("Hello, world!");
    assertEquals(List.of("[CLS]", "[unused0]", "hello", ",", "world", "!", "[SEP]"),
        query.tokens().subList(0, 7));
  }

  @Test
  void punctuationIsDroppedAfterEncodingSoOtherVectorsStillSeeIt() {
    // the skiplist removes vectors, not input tokens: "world" after a comma differs from "world" without one
    TokenEmbeddings withComma = encoder.encodeDocument("hello, world");
    TokenEmbeddings without = encoder.encodeDocument("hello world");
    assertEquals(withComma.tokens(), without.tokens());
    assertTrue(TestModels.maxAbsDiff(withComma.row(3), without.row(3)) > 1e-4);
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
    assertEquals(List.of("[CLS]", "[unused1]", "x", "[SEP]"), out.get(3).tokens());
    assertEquals(0, encoder.encodeDocuments(List.of()).size());
  }

  @Test
  void hugeDocumentsAreTruncatedToDocMaxlen() {
    String huge = TestModels.words(400_000); // ~3.5 MB
    long start = System.nanoTime();
    TokenEmbeddings doc = encoder.encodeDocument(huge);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(220, doc.numTokens());
    assertEquals("[SEP]", doc.tokens().get(219));
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
    assertEquals(16, doc.numTokens());
    assertEquals(List.of("[CLS]", "[unused1]"), doc.tokens().subList(0, 2));
    assertEquals("[SEP]", doc.tokens().get(15));
    assertEquals(8, short16.encodeQuery(TestModels.words(50)).numTokens());
    assertFalse(short16.checksum().equals(encoder.checksum()), "doc_maxlen is part of the checksum");
  }

  @Test
  void checksumOfConfigsWithoutPrefixesIsUnchanged() {
    // recorded in the manifests of indexes built before query_prefix/doc_prefix existed; they must still open
    assertEquals("sha256:e1232a8c42363be73f2f33af72aaead6806d6dbcc3abb4098e087d480fb8845e", encoder.checksum());
  }

  @Test
  void prefixesAreTokenizedBeforeTheTextAndArePartOfTheChecksum() {
    TokenEncoder e5Style = TokenEncoders.shared(TestModels.bundled().withPrefixes("query: ", "passage: "),
        TestModels.SMALL_BATCHES);
    TokenEmbeddings q = e5Style.encodeQuery("fox");
    assertEquals(List.of("[CLS]", "[unused0]", "query", ":", "fox", "[SEP]", "[MASK]"), q.tokens().subList(0, 7));
    assertEquals(32, q.numTokens());
    // the document prefix's colon is punctuation, dropped like any other
    List<TokenEmbeddings> docs = e5Style.encodeDocuments(Arrays.asList("fox", " ", null));
    assertEquals(List.of("[CLS]", "[unused1]", "passage", "fox", "[SEP]"), docs.get(0).tokens());
    assertEquals(0, docs.get(1).numTokens(), "a blank document stays empty: no prefix-only vectors");
    assertEquals(0, docs.get(2).numTokens());
    // the prefix is context: the text's own vector differs from the unprefixed one
    float[] plain = encoder.encodeDocument("fox").row(2);
    assertTrue(TestModels.maxAbsDiff(plain, docs.get(0).row(3)) > 1e-3);
    assertFalse(e5Style.checksum().equals(encoder.checksum()), "prefixes change the vectors, so the checksum");
    TokenEncoder queryOnly = TokenEncoders.shared(TestModels.bundled().withPrefixes("query: ", ""),
        TestModels.SMALL_BATCHES);
    assertFalse(queryOnly.checksum().equals(e5Style.checksum()));
  }
}
