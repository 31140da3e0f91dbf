package io.tartan.format.s3;

import io.tartan.format.IndexLayout;
import io.tartan.format.codec.CodecFile;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import org.apache.hadoop.conf.Configuration;

import java.util.ArrayList;
import java.util.List;

/** Everything a reader gets out of the latest snapshot of an index, read the way the query runtime reads it. */
record IndexContents(Manifest manifest, ResidualCodec codec, Ivf ivf, List<ShardRow> rows) {

    static IndexContents read(Configuration conf, IndexLayout layout) {
        Manifest m = new ManifestStore(conf, layout).readLatest();
        DataFile cf = m.codec();
        ResidualCodec codec = CodecFile.read(IndexFiles.readVerified(conf, layout.resolve(cf.path()), cf.sizeBytes(),
                cf.checksum()), cf.path());
        DataFile ivfFile = m.ivf().get(0);
        Ivf ivf = IvfFile.read(IndexFiles.readVerified(conf, layout.resolve(ivfFile.path()), ivfFile.sizeBytes(),
                ivfFile.checksum()), ivfFile.path());
        List<ShardRow> rows = new ArrayList<>();
        for (DataFile s : m.shards()) {
            ShardReader.read(conf, layout, s, ShardSpec.of(m.settings()), rows::add);
        }
        return new IndexContents(m, codec, ivf, rows);
    }
}
