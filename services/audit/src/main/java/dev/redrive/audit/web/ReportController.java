package dev.redrive.audit.web;

import dev.redrive.audit.app.ExecutionReport;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The error report of an execution, as the reference {@code error.log} shows it. */
@RestController
@RequestMapping("/api/v1")
class ReportController {

  private static final MediaType TEXT = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

  private final ExecutionReport report;

  ReportController(ExecutionReport report) {
    this.report = report;
  }

  /** {@code text/plain}: one report per failed attempt, oldest first; 404 when none failed. */
  @GetMapping("/executions/{executionId}/report")
  ResponseEntity<String> report(@PathVariable String executionId) {
    return report
        .of(executionId)
        .map(text -> ResponseEntity.ok().contentType(TEXT).body(text))
        .orElseThrow(
            () ->
                Problems.notFound(
                    "No error report",
                    "Execution '%s' has no failed attempt in the audit trail."
                        .formatted(executionId)));
  }
}
