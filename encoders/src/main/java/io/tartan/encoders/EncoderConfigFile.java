package io.tartan.encoders;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON shape of a model config file. Keys (snake_case, all optional unless marked):
 * <pre>
 * id                    short machine id (default: the file name without .json)
 * name                  human name (default: id)
 * notes                 free text, ignored
 * onnx                  ONNX graph: path (relative to this file) or classpath:name          REQUIRED
 * tokenizer             HF tokenizer.json: path or classpath:name                          REQUIRED
 * inputs                {"input_ids": .., "attention_mask": .., "token_type_ids": ..}; default the BERT names;
 *                       when given, an absent token_type_ids means the graph has no such input
 * output                output with per-token states (default "last_hidden_state")
 * hidden_size           width of the output's last axis                                    REQUIRED
 * dim                   output dim (default: projected width); below it = Matryoshka truncation
 * projection            .npy or raw float32 matrix [hidden_size, dim'] (path or classpath:)
 * projection_transposed true if the file holds [dim', hidden_size] (torch Linear.weight)   (default false)
 * matryoshka_dims       dims the model may be truncated to, e.g. [64, 96, 128]
 * query_marker          default "[unused0]";   doc_marker  default "[unused1]"
 * mask_token            default "[MASK]";      pad_token   default "[PAD]"
 * query_maxlen          default 32;            doc_maxlen  default 220
 * model_max_length      position limit of the model, 0 = unknown (default 0)
 * query_pad_with_mask   default true;  query_attend_to_mask default true;  doc_skip_punctuation default true
 * query_prefix          text before every query, e.g. "query: " (default "");  doc_prefix  likewise for documents
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
final class EncoderConfigFile {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  @JsonProperty("id") String id;
  @JsonProperty("name") String name;
  @JsonProperty("notes") String notes;
  @JsonProperty("onnx") String onnx;
  @JsonProperty("tokenizer") String tokenizer;
  @JsonProperty("inputs") Inputs inputs;
  @JsonProperty("output") String output;
  @JsonProperty("hidden_size") Integer hiddenSize;
  @JsonProperty("dim") Integer dim;
  @JsonProperty("projection") String projection;
  @JsonProperty("projection_transposed") Boolean projectionTransposed;
  @JsonProperty("matryoshka_dims") List<Integer> matryoshkaDims;
  @JsonProperty("query_marker") String queryMarker;
  @JsonProperty("doc_marker") String docMarker;
  @JsonProperty("mask_token") String maskToken;
  @JsonProperty("pad_token") String padToken;
  @JsonProperty("query_maxlen") Integer queryMaxlen;
  @JsonProperty("doc_maxlen") Integer docMaxlen;
  @JsonProperty("model_max_length") Integer modelMaxLength;
  @JsonProperty("query_pad_with_mask") Boolean queryPadWithMask;
  @JsonProperty("query_attend_to_mask") Boolean queryAttendToMask;
  @JsonProperty("doc_skip_punctuation") Boolean docSkipPunctuation;
  @JsonProperty("query_prefix") String queryPrefix;
  @JsonProperty("doc_prefix") String docPrefix;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  static final class Inputs {
    @JsonProperty("input_ids") String inputIds;
    @JsonProperty("attention_mask") String attentionMask;
    @JsonProperty("token_type_ids") String tokenTypeIds;
  }

  static EncoderConfig read(ModelResource file) {
    byte[] bytes = file.readBytes();
    try {
      EncoderConfigFile parsed = JSON.readValue(bytes, EncoderConfigFile.class);
      if (parsed == null) {
        throw new EncoderException("model config file " + file.location() + " is empty");
      }
      return parsed.toConfig(file.location());
    } catch (IOException | IllegalArgumentException e) {
      String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new EncoderException("invalid model config file " + file.location() + ": " + reason, e);
    }
  }

  static String write(EncoderConfig config) {
    EncoderConfigFile file = new EncoderConfigFile();
    file.id = config.id();
    file.name = config.name();
    file.onnx = config.onnx();
    file.tokenizer = config.tokenizer();
    file.inputs = new Inputs();
    file.inputs.inputIds = config.inputs().inputIds();
    file.inputs.attentionMask = config.inputs().attentionMask();
    file.inputs.tokenTypeIds = config.inputs().tokenTypeIds();
    file.output = config.output();
    file.hiddenSize = config.hiddenSize();
    file.dim = config.dim();
    file.projection = config.projection();
    file.projectionTransposed = config.projectionTransposed();
    file.matryoshkaDims = config.matryoshkaDims();
    file.queryMarker = config.queryMarker();
    file.docMarker = config.docMarker();
    file.maskToken = config.maskToken();
    file.padToken = config.padToken();
    file.queryMaxlen = config.queryMaxlen();
    file.docMaxlen = config.docMaxlen();
    file.modelMaxLength = config.modelMaxLength();
    file.queryPadWithMask = config.queryPadWithMask();
    file.queryAttendToMask = config.queryAttendToMask();
    file.docSkipPunctuation = config.docSkipPunctuation();
    file.queryPrefix = config.queryPrefix().isEmpty() ? null : config.queryPrefix();
    file.docPrefix = config.docPrefix().isEmpty() ? null : config.docPrefix();
    try {
      return new String(JSON.writeValueAsBytes(file), StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private EncoderConfig toConfig(String location) {
    if (hiddenSize == null) {
      throw new IllegalArgumentException("hidden_size must be set");
    }
    String resolvedId = id != null ? id : baseName(location);
    InputNames names = inputs == null
        ? InputNames.BERT
        : new InputNames(or(inputs.inputIds, InputNames.BERT.inputIds()),
            or(inputs.attentionMask, InputNames.BERT.attentionMask()), inputs.tokenTypeIds);
    return new EncoderConfig(
        resolvedId,
        or(name, resolvedId),
        resolve(location, onnx),
        resolve(location, tokenizer),
        names,
        or(output, "last_hidden_state"),
        hiddenSize,
        or(dim, 0),
        resolve(location, projection),
        or(projectionTransposed, false),
        matryoshkaDims,
        or(queryMarker, "[unused0]"),
        or(docMarker, "[unused1]"),
        or(maskToken, "[MASK]"),
        or(padToken, "[PAD]"),
        or(queryMaxlen, EncoderConfig.DEFAULT_QUERY_MAXLEN),
        or(docMaxlen, EncoderConfig.DEFAULT_DOC_MAXLEN),
        or(modelMaxLength, 0),
        or(queryPadWithMask, true),
        or(queryAttendToMask, true),
        or(docSkipPunctuation, true),
        or(queryPrefix, ""),
        or(docPrefix, ""));
  }

  /** Resolves a location written in a config against the config's own location (file folder or classpath folder). */
  private static String resolve(String configLocation, String location) {
    if (location == null || location.isBlank()) {
      return null;
    }
    if (location.startsWith(ModelResource.CLASSPATH_PREFIX)) {
      return location;
    }
    if (configLocation.startsWith(ModelResource.CLASSPATH_PREFIX)) {
      if (Path.of(location).isAbsolute()) {
        return location;
      }
      int slash = configLocation.lastIndexOf('/');
      String folder = slash < 0 ? ModelResource.CLASSPATH_PREFIX : configLocation.substring(0, slash + 1);
      return folder + location;
    }
    Path parent = Path.of(configLocation).toAbsolutePath().getParent();
    return parent.resolve(location).normalize().toString();
  }

  private static String baseName(String location) {
    String fileName = location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf(':')) + 1);
    return fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
