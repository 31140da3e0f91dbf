package io.tartan.jobs.search;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Query sets in the formats SearchJob reads, written for tests. */
public final class QueryFiles {
    private QueryFiles() {
    }

    /** {@code queries} (each {@code tokens × dim}) as a float32 {@code [nq, tokens, dim]} .npy file. */
    public static Path npy(Path file, List<float[]> queries, int tokens, int dim) throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + queries.size() + ", " + tokens + ", "
                + dim + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        String padded = header + " ".repeat(pad) + "\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(new byte[] {(byte) (padded.length() & 0xff), (byte) (padded.length() >> 8)});
            out.write(padded.getBytes(StandardCharsets.ISO_8859_1));
            for (float[] q : queries) {
                ByteBuffer b = ByteBuffer.allocate(4 * q.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(q);
                out.write(b.array());
            }
        }
        return file;
    }

    /** Parquet {@code id, vectors: list<list<float>>}. */
    public static Path parquetVectors(Path file, List<String> ids, List<float[]> queries, int dim) throws IOException {
        Schema schema = SchemaBuilder.record("query").fields()
                .requiredString("id")
                .name("vectors").type().array().items().array().items().floatType().noDefault()
                .endRecord();
        try (ParquetWriter<GenericRecord> w = writer(file, schema)) {
            for (int i = 0; i < ids.size(); i++) {
                GenericRecord r = new GenericData.Record(schema);
                r.put("id", ids.get(i));
                List<List<Float>> rows = new ArrayList<>();
                float[] q = queries.get(i);
                for (int t = 0; t < q.length / dim; t++) {
                    List<Float> row = new ArrayList<>(dim);
                    for (int d = 0; d < dim; d++) {
                        row.add(q[t * dim + d]);
                    }
                    rows.add(row);
                }
                r.put("vectors", rows);
                w.write(r);
            }
        }
        return file;
    }

    /** Parquet {@code id, text}. */
    public static Path parquetText(Path file, List<String> ids, List<String> texts) throws IOException {
        Schema schema = SchemaBuilder.record("query").fields().requiredString("id").requiredString("text")
                .endRecord();
        try (ParquetWriter<GenericRecord> w = writer(file, schema)) {
            for (int i = 0; i < ids.size(); i++) {
                GenericRecord r = new GenericData.Record(schema);
                r.put("id", ids.get(i));
                r.put("text", texts.get(i));
                w.write(r);
            }
        }
        return file;
    }

    private static ParquetWriter<GenericRecord> writer(Path file, Schema schema) throws IOException {
        return AvroParquetWriter.<GenericRecord>builder(HadoopOutputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration())).withSchema(schema).build();
    }
}
