package dev.redrive.audit.web;

import dev.redrive.audit.app.ListExecutions;
import dev.redrive.support.log.LogText;
import dev.redrive.support.web.InvalidFieldException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The index page ({@code /}, also {@code /executions}): the executions whose events changed last
 * first, filtered and paged by the query ({@link IndexParams}). A bad parameter is a 400 page that
 * names it, with the form to correct it.
 */
@Controller
class IndexPageController {

  private static final Logger log = LoggerFactory.getLogger(IndexPageController.class);
  private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

  private final ListExecutions executions;

  IndexPageController(ListExecutions executions) {
    this.executions = executions;
  }

  @GetMapping({"/", "/executions"})
  ResponseEntity<String> page(HttpServletRequest request) {
    IndexParams params;
    try {
      params = IndexParams.ofPage(request.getParameterMap());
    } catch (InvalidFieldException e) {
      log.debug(
          "index page refused from {}: {}",
          LogText.escape(request.getRemoteAddr()),
          LogText.escape(e.getMessage()));
      return ResponseEntity.status(HttpStatus.BAD_REQUEST)
          .contentType(HTML)
          .body(IndexPage.invalid(e.field(), e.getMessage()));
    }
    ListExecutions.Page page = executions.page(params.query());
    return ResponseEntity.ok().contentType(HTML).body(IndexPage.render(params.query(), page));
  }
}
