package dev.redrive.audit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "dev.redrive.audit",
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
              "dev.redrive.avro..",
              "org.apache.avro..",
              "tools.jackson..",
              "com.fasterxml.jackson..",
              "dev.redrive.audit.app..",
              "dev.redrive.audit.kafka..",
              "dev.redrive.audit.web..",
              "dev.redrive.audit.persistence..",
              "dev.redrive.audit.config..")
          .because(
              "the error report format, the retention rule and the search criteria are plain Java"
                  + " that tests call without Spring, Kafka, a database or JSON");

  @ArchTest
  static final ArchRule onlyTheKafkaAdapterKnowsKafka =
      noClasses()
          .that()
          .resideInAnyPackage("..app..", "..web..", "..persistence..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..", "org.springframework.kafka..", "org.apache.avro..")
          .because(
              "the kafka adapter turns records into AuditedEvents; nothing else reads records");

  @ArchTest
  static final ArchRule useCasesDoNotKnowTheWeb =
      noClasses()
          .that()
          .resideInAPackage("..app..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.audit.web..", "org.springframework.web..", "jakarta.servlet..")
          .because(
              "a live stream is an EventSink to the use cases; SSE is the web adapter's business");
}
