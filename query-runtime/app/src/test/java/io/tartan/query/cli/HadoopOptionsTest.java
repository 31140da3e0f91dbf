package io.tartan.query.cli;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where Hadoop settings come from and which source wins. */
class HadoopOptionsTest {
    @TempDir
    Path dir;

    @Test
    void confDirThenFilesThenFlagsEachWin() throws Exception {
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(confDir.resolve("core-site.xml"), "<configuration>"
                + "<property><name>a</name><value>dir</value></property>"
                + "<property><name>b</name><value>dir</value></property>"
                + "<property><name>c</name><value>dir</value></property></configuration>");
        Path props = Files.writeString(dir.resolve("s3.properties"), "b=file\nc = file\nspark.hadoop.d=file\n");
        HadoopOptions o = new HadoopOptions(List.of("c=flag=with=equals"), List.of(props));
        Configuration conf = o.configuration(confDir.toString());
        assertEquals("dir", conf.get("a"));
        assertEquals("file", conf.get("b"));
        assertEquals("flag=with=equals", conf.get("c"));
        assertEquals("file", conf.get("d"), "Spark's spark.hadoop. prefix is dropped");
    }

    @Test
    void applyingToAnExistingConfigurationLeavesItsBaseAlone() throws Exception {
        Configuration spark = new Configuration(false);
        spark.set("fs.s3a.endpoint", "http://from-the-context:9000");
        spark.set("fs.s3a.path.style.access", "true");
        new HadoopOptions(List.of("fs.s3a.endpoint=http://from-the-flag:9000"), List.of()).applyTo(spark);
        assertEquals("http://from-the-flag:9000", spark.get("fs.s3a.endpoint"));
        assertEquals("true", spark.get("fs.s3a.path.style.access"));
    }

    @Test
    void takeFromLeavesTheIndexJobsConfFileAlone() {
        List<String> args = new ArrayList<>(List.of("--input", "in", "--conf", "conf/index.properties",
                "--conf", "fs.s3a.endpoint=http://h:9000", "--conf=fs.s3a.path.style.access=true",
                "--hadoop-conf-file", "s3.properties", "--hadoop-conf=x.y=1", "--nbits", "2"));
        HadoopOptions o = HadoopOptions.takeFrom(args);
        assertEquals(List.of("--input", "in", "--conf", "conf/index.properties", "--nbits", "2"), args);
        assertEquals(List.of("fs.s3a.endpoint=http://h:9000", "fs.s3a.path.style.access=true", "x.y=1"), o.settings);
        assertEquals(List.of(Path.of("s3.properties")), o.files);
    }

    @Test
    void aConfValueThatIsNoSettingIsAClearError() {
        HadoopOptions o = new HadoopOptions(List.of("conf/index.properties"), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.applyTo(new Configuration(false)));
        assertTrue(e.getMessage().contains("--hadoop-conf-file"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new HadoopOptions(List.of(), List.of(dir.resolve("nope.xml"))).applyTo(new Configuration(false)));
        assertTrue(missing.getMessage().contains("nope.xml"), missing.getMessage());
    }

    @Test
    void everyQueryCommandAcceptsTheOptions() {
        for (Object command : List.of(new SearchCommand(), new EvalCommand(), new ServeCommand())) {
            picocli.CommandLine cl = new picocli.CommandLine(command);
            assertTrue(cl.getCommandSpec().findOption("--conf") != null, command.getClass().getSimpleName());
            assertTrue(cl.getCommandSpec().findOption("--hadoop-conf-file") != null, command.getClass().getSimpleName());
        }
    }
}
