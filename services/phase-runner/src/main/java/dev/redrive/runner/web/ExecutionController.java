package dev.redrive.runner.web;

import dev.redrive.runner.app.ExecutionService;
import dev.redrive.runner.app.UnknownPipelineException;
import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.persistence.RunnerStore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Pipelines and executions as the runner sees them; starting an execution. */
@RestController
@RequestMapping("/api/v1")
class ExecutionController {

  private final ExecutionService executions;
  private final PipelineCatalog catalog;
  private final RunnerStore store;

  ExecutionController(ExecutionService executions, PipelineCatalog catalog, RunnerStore store) {
    this.executions = executions;
    this.catalog = catalog;
    this.store = store;
  }

  record StartRequest(@NotBlank String pipeline, Map<String, String> parameters) {}

  record Started(String executionId, String pipeline, String status) {}

  @GetMapping("/pipelines")
  List<Map<String, Object>> pipelines() {
    return catalog.all().stream()
        .map(
            p ->
                Map.<String, Object>of(
                    "name", p.name(),
                    "file", p.file(),
                    "phases", p.phases().stream().map(Phase::name).toList()))
        .toList();
  }

  @PostMapping("/executions")
  @ResponseStatus(HttpStatus.CREATED)
  Started start(@Valid @RequestBody StartRequest request) {
    String id =
        executions.start(
            request.pipeline(), request.parameters() == null ? Map.of() : request.parameters());
    return new Started(id, request.pipeline(), "RUNNING");
  }

  @GetMapping("/executions/{executionId}/phases")
  Map<String, Object> phases(@PathVariable String executionId) {
    var execution =
        store
            .execution(executionId)
            .orElseThrow(
                () -> {
                  ProblemDetail problem =
                      ProblemDetail.forStatusAndDetail(
                          HttpStatus.NOT_FOUND,
                          "No execution '%s' on this runner.".formatted(executionId));
                  return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
                });
    return Map.of("execution", execution, "attempts", store.attempts(executionId));
  }

  @ExceptionHandler(UnknownPipelineException.class)
  ProblemDetail unknownPipeline(UnknownPipelineException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    problem.setTitle("Unknown pipeline");
    return problem;
  }
}
