package dev.redrive.runner.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.runner.definition.PipelineDefinitionException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class PipelineFailureAnalyzerTest {

  @Test
  void shouldPutTheFileLineAndFieldAtTheTopOfAFailedStart() {
    // given the runner's start failed while its pipeline catalog was created
    String problem = "/etc/redrive/pipelines/build.yaml:4: phases[0].comand: unknown key";
    BeanCreationException failure =
        new BeanCreationException(
            "pipelineCatalog",
            "creating the bean failed",
            new PipelineDefinitionException(problem));

    // when
    FailureAnalysis analysis = new PipelineFailureAnalyzer().analyze(failure);

    // then
    assertThat(analysis.getDescription()).isEqualTo(problem);
    assertThat(analysis.getAction()).contains("redrive.runner.pipelines");
  }
}
