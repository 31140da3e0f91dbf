package io.tartan.jobs.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The PNG charts of the benchmark docs, drawn with XChart (headless AWT). */
final class BenchCharts {
    static final int WIDTH = 640;
    static final int HEIGHT = 420;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private BenchCharts() {
    }

    /** A point of a recall-vs-latency curve. */
    record Point(double latencyMs, double recall) {
    }

    /**
     * Recall@10 against exact MaxSim (y) over p50 latency (x), one marker series per search mode, plus reference
     * points drawn as single large markers.
     */
    static void recallLatency(Path png, String title, Map<String, List<Point>> series, Map<String, Point> references) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("p50 latency per query, ms (1 thread)").yAxisTitle("recall@10 vs exact MaxSim").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        series.forEach((name, pts) -> {
            if (!pts.isEmpty()) {
                chart.addSeries(name, pts.stream().mapToDouble(Point::latencyMs).toArray(),
                        pts.stream().mapToDouble(Point::recall).toArray());
            }
        });
        references.forEach((name, p) -> {
            XYSeries s = chart.addSeries(name, new double[] {p.latencyMs()}, new double[] {p.recall()});
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(Color.BLACK);
        });
        save(chart, png);
    }

    /** Build seconds (left axis) and p50 search latency (right axis) over corpus size in tokens. */
    static void scaling(Path png, String title, double[] tokens, double[] buildSeconds, double[] p50Ms) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("corpus size, million tokens").yAxisTitle("build, s").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        double[] mtok = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            mtok[i] = tokens[i] / 1e6;
        }
        chart.addSeries("build time (s)", mtok, buildSeconds);
        XYSeries lat = chart.addSeries("search p50 (ms)", mtok, p50Ms);
        lat.setYAxisGroup(1);
        chart.setYAxisGroupTitle(1, "search p50, ms");
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        save(chart, png);
    }

    private static void save(XYChart chart, Path png) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png + ": " + e.getMessage(), e);
        }
    }
}
