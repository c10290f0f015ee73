package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The runner's request bounds on real Kafka and PostgreSQL: a start larger than its body limit
 * (16MB, room for input files in base64) is 413 naming the key; a member of the wrong type is 400
 * naming it.
 */
class RequestLimitsIT {

  private final RunnerHarness runner = RunnerHarness.shared();

  @Test
  void aStartBodyOverSixteenMegabytesIs413NamingTheKey() {
    String file = "A".repeat(17 * 1024 * 1024);
    HttpResponse<String> response =
        runner.post(
            "/api/v1/executions",
            "{\"pipeline\": \"demo\", \"inputFiles\": {\"big.bin\": \"" + file + "\"}}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body())
        .contains("redrive.http.max-request-bytes", "\"limit\":" + 16 * 1024 * 1024);
  }

  @Test
  void aMemberOfTheWrongTypeIs400NamingIt() {
    HttpResponse<String> response =
        runner.post("/api/v1/executions", "{\"pipeline\": \"demo\", \"parameters\": \"x\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"field\":\"parameters\"");
  }
}
