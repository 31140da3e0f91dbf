package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuCheckReportTest {
    @Test
    void aFailedCheckFailsTheRunAndShowsInTheTable() {
        GpuCheckReport r = new GpuCheckReport(false);
        r.add(CheckResult.of("gpu_listed", true, "0: NVIDIA H200"));
        r.add(CheckResult.of("vectors_match_batch_8", false, "max abs diff 3.1e-03"));
        assertTrue(r.failed());
        JsonNode json = r.toJson();
        assertEquals("fail", json.path("result").asText());
        String md = GpuCheckReport.markdown(json);
        assertTrue(md.contains("| vectors_match_batch_8 | FAIL | max abs diff 3.1e-03 |"), md);
        assertTrue(md.contains("Result: **FAIL**"), md);
        assertFalse(md.contains("Fake GPU run"), md);
    }

    @Test
    void skippedChecksMakeARunIncompleteNotPassed() {
        GpuCheckReport r = new GpuCheckReport(true);
        r.add(CheckResult.of("index_job_succeeded", true, "exit 0"));
        r.add(CheckResult.onGpu(true, "encoder_on_cuda", true, "cuda:0"));
        assertFalse(r.failed());
        assertEquals("incomplete", r.toJson().path("result").asText());
        assertEquals("skipped", r.toJson().path("checks").get(1).path("status").asText(),
                "on a fake GPU even a passing observation is not a pass");
        assertTrue(GpuCheckReport.markdown(r.toJson()).contains("**Fake GPU run**"));
    }

    @Test
    void onlyPassesMakeAPass() {
        GpuCheckReport r = new GpuCheckReport(false);
        r.add(CheckResult.onGpu(false, "encoder_on_cuda", true, "cuda:0"));
        assertEquals("pass", r.toJson().path("result").asText());
    }

    @Test
    void encoderFiguresBecomeATableRowPerBatch() throws Exception {
        GpuCheckReport r = new GpuCheckReport(false);
        r.section("encoder").setAll((ObjectNode) new ObjectMapper().readTree("""
                {"model": {"id": "all-minilm-l6-v2", "dtype": "fp32"}, "documents": 500, "input_tokens": 100000,
                 "cpu_threads": 2, "fp16": {"measured": false, "reason": "no dtype option"},
                 "runs": [{"batch": 32, "cpu": {"tokens_per_s": 10000, "bare_tokens_per_s": 10500},
                           "gpu": {"actual": "cuda:0", "tokens_per_s": 250000, "bare_tokens_per_s": 900000},
                           "agreement": {"max_abs_diff": 0.00012, "min_cosine": 0.9999987}}]}"""));
        String md = GpuCheckReport.markdown(r.toJson());
        assertTrue(md.contains("| 32 | 10000 | 10500 | cuda:0 | 250000 | 900000 | 25.0× | 1.20e-04 | 0.999999 |"), md);
        assertTrue(md.contains("fp16: not measured, no dtype option"), md);
    }
}
