package dev.redrive.audit.web;

import dev.redrive.audit.app.ReadAuditTrail;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The HTML page of an execution's timeline, for people with a browser. */
@Controller
class ExecutionPageController {

  private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

  private final ReadAuditTrail trail;
  private final TimelineEntries entries;

  ExecutionPageController(ReadAuditTrail trail, TimelineEntries entries) {
    this.trail = trail;
    this.entries = entries;
  }

  @GetMapping("/executions/{executionId}")
  ResponseEntity<String> page(@PathVariable String executionId) {
    // at most redrive.audit.max-timeline-events; the REST timeline pages through any number
    List<TimelineEntry> timeline = trail.timeline(executionId).stream().map(entries::of).toList();
    if (timeline.isEmpty()) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND)
          .contentType(HTML)
          .body(ExecutionPage.notFound(executionId));
    }
    return ResponseEntity.ok().contentType(HTML).body(ExecutionPage.render(executionId, timeline));
  }
}
