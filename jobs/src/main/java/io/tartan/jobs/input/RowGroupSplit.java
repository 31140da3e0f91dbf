package io.tartan.jobs.input;

import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A run of consecutive row groups of one Parquet file, read by one task, as Spark's Parquet source splits files:
 * bytes {@code [start, end)} hold exactly those row groups (Parquet's reader takes a row group into a range when
 * its midpoint falls inside).
 *
 * @param firstRow the 1-based number of the run's first row in the file (rows in earlier row groups + 1)
 */
record RowGroupSplit(int fileIndex, String path, long start, long end, long firstRow) implements Serializable {

    /** A file's row groups in runs of about {@code splitBytes} (compressed), at least one row group each. */
    static List<RowGroupSplit> plan(HadoopConf conf, int fileIndex, String path, long splitBytes) throws IOException {
        List<BlockMetaData> groups;
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(path), conf.get()))) {
            groups = r.getFooter().getBlocks();
        }
        List<RowGroupSplit> out = new ArrayList<>();
        long row = 1;
        int i = 0;
        while (i < groups.size()) {
            long start = groups.get(i).getStartingPos();
            long firstRow = row;
            long bytes = 0;
            int j = i;
            while (j < groups.size() && (j == i || bytes + groups.get(j).getCompressedSize() <= splitBytes)) {
                bytes += groups.get(j).getCompressedSize();
                row += groups.get(j).getRowCount();
                j++;
            }
            BlockMetaData last = groups.get(j - 1);
            out.add(new RowGroupSplit(fileIndex, path, start, last.getStartingPos() + last.getCompressedSize(),
                    firstRow));
            i = j;
        }
        if (out.isEmpty()) {
            // no row groups: one empty split keeps the file visible to the reader's checks
            out.add(new RowGroupSplit(fileIndex, path, 0, 0, 1));
        }
        return out;
    }
}
