package dev.redrive.audit;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "dev.redrive.audit",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule domainUsesOnlyTheJdkAndTheSharedContract =
      classes()
          .that()
          .resideInAPackage("dev.redrive.audit.domain..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "dev.redrive.audit.domain..", "dev.redrive.contract..")
          .because(
              "the domain is plain Java, and the rules every service must apply alike (the attempt"
                  + " bound, the execution statuses, the error report and its recommended actions)"
                  + " come from dev.redrive.contract in schemas, never from a copy of its own");

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

  @ArchTest
  static final ArchRule slicesAreFreeOfCycles =
      slices()
          .matching("dev.redrive.audit.(*)..")
          .should()
          .beFreeOfCycles()
          .because(
              "each folder is a layer one can read and test on its own: the use cases own the"
                  + " AuditTrail port that persistence implements, so every arrow points towards"
                  + " app and domain");

  @ArchTest
  static final ArchRule useCasesKnowNoAdapter =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.audit.app..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.audit.persistence..",
              "dev.redrive.audit.kafka..",
              "dev.redrive.audit.config..",
              "org.springframework.jdbc..")
          .because(
              "use cases reach the stored events only through AuditTrail, which app declares, so"
                  + " they run in unit tests on an in-memory trail; persistence depends on app to"
                  + " implement it, not the other way round");

  @ArchTest
  static final ArchRule webCallsUseCasesOnly =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.audit.web..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("dev.redrive..")
                  .and(
                      not(
                          resideInAnyPackage(
                              "dev.redrive.audit.web..",
                              "dev.redrive.audit.app..",
                              "dev.redrive.audit.domain..",
                              "dev.redrive.contract..",
                              "dev.redrive.support.."))))
          .because(
              "a controller translates HTTP and calls a use case (ReadAuditTrail, ExecutionReport,"
                  + " LiveTimeline); its settings are handed to it (WebSettings), so it never reads"
                  + " the table or the configuration itself");

  @ArchTest
  static final ArchRule kafkaDoesNotReachIntoPersistenceOrWeb =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.audit.kafka..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.redrive.audit.persistence..", "dev.redrive.audit.web..")
          .because(
              "the listener turns records into AuditedEvents and hands them to RecordEvents, which"
                  + " stores them and tells the live streams");

  @ArchTest
  static final ArchRule persistenceOnlyImplementsPorts =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.audit.persistence..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.audit.web..", "dev.redrive.audit.kafka..", "dev.redrive.audit.config..")
          .because(
              "persistence implements AuditTrail with SQL and knows nothing of who calls the use"
                  + " cases nor how they are wired");
}
