package io.tartan.format.shard;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The Avro schema of a shard, which parquet-avro maps to this Parquet schema (FORMAT.md "Shards"):
 * <pre>
 * message tartan_shard {
 *   required int64  pid;
 *   required binary doc_id (STRING);
 *   required int32  doclen;
 *   required binary codes;
 *   required binary residuals;
 *   optional group  metadata (MAP) { repeated group key_value { required binary key (STRING); required binary value (STRING); } }
 * }
 * </pre>
 */
public final class ShardSchema {
    public static final String PID = "pid";
    public static final String DOC_ID = "doc_id";
    public static final String DOCLEN = "doclen";
    public static final String CODES = "codes";
    public static final String RESIDUALS = "residuals";
    public static final String METADATA = "metadata";

    /** Parquet footer key-value entries every shard carries. */
    public static final String KV_FORMAT_VERSION = "tartan.format-version";
    public static final String KV_DIM = "tartan.dim";
    public static final String KV_NBITS = "tartan.nbits";
    public static final String KV_NUM_CENTROIDS = "tartan.num-centroids";
    /** Layout of the {@code codes} column; readers reject a shard whose layout they do not know. */
    public static final String KV_CODES = "tartan.codes";
    /** The one {@link #KV_CODES} value of format 1: {@link io.tartan.format.codec.SortedCodes}. */
    public static final String CODES_SORTED_RUNS = "sorted-runs-rice";

    public static final Schema SCHEMA = SchemaBuilder.record("tartan_shard").namespace("io.tartan.format")
            .fields()
            .requiredLong(PID)
            .requiredString(DOC_ID)
            .requiredInt(DOCLEN)
            .requiredBytes(CODES)
            .requiredBytes(RESIDUALS)
            .name(METADATA).type().optional().map().values().stringType()
            .endRecord();

    private ShardSchema() {
    }
}
