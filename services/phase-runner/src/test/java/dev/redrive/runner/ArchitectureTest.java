package dev.redrive.runner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "dev.redrive.runner",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule domainDependsOnNoFrameworkOrTransport =
      noClasses()
          .that()
          .resideInAPackage("..domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.springframework..",
              "org.apache.kafka..",
              "java.sql..",
              "javax.sql..",
              "org.springframework.jdbc..",
              "dev.redrive.avro..",
              "org.apache.avro..",
              "tools.jackson..",
              "com.fasterxml.jackson..")
          .because(
              "pipelines, phases, outcomes and error reports are plain Java that tests call"
                  + " without Spring, Kafka, a database or the generated Avro classes; adapters"
                  + " translate at the edges");

  @ArchTest
  static final ArchRule domainDoesNotReachIntoTheAdapters =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.runner.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.runner.app..",
              "dev.redrive.runner.definition..",
              "dev.redrive.runner.kafka..",
              "dev.redrive.runner.web..",
              "dev.redrive.runner.persistence..",
              "dev.redrive.runner.config..",
              "dev.redrive.support..")
          .because(
              "the domain is the centre: the parser, use cases and adapters use it, never the"
                  + " other way round");
}
