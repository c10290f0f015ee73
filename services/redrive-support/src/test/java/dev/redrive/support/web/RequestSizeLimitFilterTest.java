package dev.redrive.support.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RequestSizeLimitFilterTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final RequestSizeLimitFilter filter = new RequestSizeLimitFilter(10, meters);

  @Test
  void shouldAnswer413BeforeReadingABodyThatDeclaresMoreThanTheLimit() throws Exception {
    MockHttpServletRequest request = post("/api/v1/retries", "01234567890");
    MockHttpServletResponse response = new MockHttpServletResponse();
    boolean[] reached = {false};

    filter.doFilter(request, response, (req, res) -> reached[0] = true);

    assertThat(reached[0]).isFalse();
    assertThat(response.getStatus()).isEqualTo(413);
    assertThat(response.getContentType()).startsWith("application/problem+json");
    assertThat(response.getContentAsString())
        .contains("\"status\":413", "\"limit\":10", "redrive.http.max-request-bytes");
    assertThat(
            meters
                .counter("redrive.http.rejected", "reason", "body-too-large", "uri", "api")
                .count())
        .isEqualTo(1);
  }

  @Test
  void shouldFailWhileReadingAChunkedBodyAtTheFirstByteOverTheLimit() throws Exception {
    MockHttpServletRequest request = chunked("/api/v1/retries", "0123456789abc");
    MockHttpServletResponse response = new MockHttpServletResponse();

    filter.doFilter(
        request,
        response,
        (req, res) -> {
          var in = ((HttpServletRequest) req).getInputStream();
          byte[] first = in.readNBytes(10);
          assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("0123456789");
          assertThatThrownBy(in::read)
              .isInstanceOf(RequestTooLargeException.class)
              .hasMessageContaining("larger than 10 bytes")
              .hasMessageContaining("redrive.http.max-request-bytes");
          assertThatThrownBy(in::read).isInstanceOf(RequestTooLargeException.class);
        });

    assertThat(
            meters
                .counter("redrive.http.rejected", "reason", "body-too-large", "uri", "api")
                .count())
        .isEqualTo(1);
  }

  @Test
  void shouldLetABodyOfExactlyTheLimitThroughWhole() throws Exception {
    MockHttpServletRequest request = chunked("/api/v1/retries", "0123456789");
    StringBuilder read = new StringBuilder();

    filter.doFilter(
        request,
        new MockHttpServletResponse(),
        (req, res) -> read.append(((HttpServletRequest) req).getReader().readLine()));

    assertThat(read.toString()).isEqualTo("0123456789");
    assertThat(meters.find("redrive.http.rejected").counter()).isNull();
  }

  @Test
  void shouldRefuseALimitBelowOneByteNamingTheKey() {
    assertThatThrownBy(
            () -> new RequestLimitsProperties(org.springframework.util.unit.DataSize.ofBytes(0)))
        .hasMessageContaining("redrive.http.max-request-bytes");
  }

  private static MockHttpServletRequest post(String uri, String body) {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", uri);
    request.setContentType("application/json");
    request.setContent(body.getBytes(StandardCharsets.UTF_8));
    return request;
  }

  /** A request whose body comes without a Content-Length, as a chunked one does. */
  private static MockHttpServletRequest chunked(String uri, String body) {
    MockHttpServletRequest request =
        new MockHttpServletRequest("POST", uri) {
          @Override
          public long getContentLengthLong() {
            return -1;
          }

          @Override
          public int getContentLength() {
            return -1;
          }
        };
    request.setContentType("application/json");
    request.setContent(body.getBytes(StandardCharsets.UTF_8));
    return request;
  }
}
