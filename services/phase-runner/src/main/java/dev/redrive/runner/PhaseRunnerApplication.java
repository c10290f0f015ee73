package dev.redrive.runner;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The phase-runner: runs pipeline phases in workspaces and reports every attempt. */
@SpringBootApplication
public class PhaseRunnerApplication {

  /**
   * Name of the configuration file ({@code phase-runner.yml}): distinct per service, so the three
   * services can share one classpath in the local launcher and the end-to-end test.
   */
  public static final String CONFIG_NAME = "phase-runner";

  public static void main(String[] args) {
    builder().run(args);
  }

  /** The application with its configuration name set; add properties and run it. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(PhaseRunnerApplication.class)
        .main(PhaseRunnerApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
