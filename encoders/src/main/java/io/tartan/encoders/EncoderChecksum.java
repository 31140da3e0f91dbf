package io.tartan.encoders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * {@code sha256:} over everything that decides the vectors: the ONNX graph, tokenizer and projection bytes and the
 * config fields that change formatting or output. Two encoders with equal checksums produce the same vectors, so
 * an index manifest can record it and a query runtime can refuse a mismatched encoder. Names, ids and file
 * locations are left out: moving or renaming a model does not change it.
 */
final class EncoderChecksum {
  private static final String VERSION = "tartan-encoder-checksum-v1";

  private EncoderChecksum() {}

  static String of(EncoderConfig config, byte[] onnxSha, byte[] tokenizerSha, byte[] projectionSha, int dim) {
    MessageDigest digest = ModelResource.newSha256();
    String fields = String.join("\n",
        VERSION,
        "inputs=" + config.inputs().inputIds() + "," + config.inputs().attentionMask() + ","
            + config.inputs().tokenTypeIds(),
        "output=" + config.output(),
        "hidden_size=" + config.hiddenSize(),
        "dim=" + dim,
        "projection_transposed=" + config.projectionTransposed(),
        "query_marker=" + config.queryMarker(),
        "doc_marker=" + config.docMarker(),
        "mask_token=" + config.maskToken(),
        "pad_token=" + config.padToken(),
        "query_maxlen=" + config.queryMaxlen(),
        "doc_maxlen=" + config.docMaxlen(),
        "query_pad_with_mask=" + config.queryPadWithMask(),
        "query_attend_to_mask=" + config.queryAttendToMask(),
        "doc_skip_punctuation=" + config.docSkipPunctuation());
    // only when set, so the checksums of configs without prefixes (and the indexes recording them) stay as they were
    if (!config.queryPrefix().isEmpty() || !config.docPrefix().isEmpty()) {
      fields += "\nquery_prefix=" + config.queryPrefix() + "\ndoc_prefix=" + config.docPrefix();
    }
    digest.update(fields.getBytes(StandardCharsets.UTF_8));
    digest.update(onnxSha);
    digest.update(tokenizerSha);
    if (projectionSha != null) {
      digest.update(projectionSha);
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }
}
