package io.tartan.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Token string → id, read from a tokenizer.json's vocabulary and added tokens. ColBERT looks its markers up this
 * way ({@code convert_tokens_to_ids}): {@code [unused0]} is a vocabulary entry, not something the tokenizer
 * produces from text, so it cannot be found by tokenizing it.
 */
final class TokenVocabulary {
  private final Map<String, Integer> ids;

  private TokenVocabulary(Map<String, Integer> ids) {
    this.ids = ids;
  }

  /** Reads WordPiece/BPE/WordLevel ({@code "vocab": {token: id}}) and Unigram ({@code [[token, score], ..]}). */
  static TokenVocabulary parse(byte[] tokenizerJson, String location) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(tokenizerJson);
    } catch (IOException e) {
      throw new EncoderException("tokenizer file " + location + " is not valid JSON: " + e.getMessage(), e);
    }
    Map<String, Integer> ids = new HashMap<>();
    JsonNode vocab = root == null ? null : root.path("model").get("vocab");
    if (vocab == null) {
      throw new EncoderException("tokenizer file " + location + " has no model.vocab: not a HF tokenizer.json");
    }
    if (vocab.isObject()) {
      for (Map.Entry<String, JsonNode> e : vocab.properties()) {
        ids.put(e.getKey(), e.getValue().asInt());
      }
    } else if (vocab.isArray()) {
      for (int i = 0; i < vocab.size(); i++) {
        ids.put(vocab.get(i).get(0).asText(), i);
      }
    }
    for (JsonNode added : root.path("added_tokens")) {
      ids.put(added.path("content").asText(), added.path("id").asInt());
    }
    return new TokenVocabulary(ids);
  }

  OptionalInt id(String token) {
    Integer id = ids.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }
}
