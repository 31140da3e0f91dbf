package io.tartan.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** index-format is embedded by serving JVMs: Spark must not leak onto its classpath (the enforcer checks the poms). */
class NoSparkOnClasspathTest {
    @Test
    void sparkIsAbsent() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.spark.SparkContext"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("scala.Predef"));
    }
}
