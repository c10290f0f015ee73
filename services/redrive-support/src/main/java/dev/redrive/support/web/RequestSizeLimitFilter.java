package dev.redrive.support.web;

import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request body: one that declares a larger {@code Content-Length} is answered 413 at
 * once, before anything reads it; any other (chunked, or lying about its length) is counted while
 * it is read and fails with {@link RequestTooLargeException} at the first byte past the limit,
 * which {@link BadRequestProblems} answers 413. Nothing larger than the limit is ever held.
 */
public class RequestSizeLimitFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(RequestSizeLimitFilter.class);

  private final long limit;
  private final MeterRegistry meters;

  /**
   * @param limit largest body in bytes
   * @param meters where {@code redrive.http.rejected{reason=body-too-large}} is counted, or null
   */
  public RequestSizeLimitFilter(long limit, MeterRegistry meters) {
    this.limit = limit;
    this.meters = meters;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      rejected(request, declared);
      response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      response.getWriter().write(BadRequestProblems.tooLargeJson(limit, request.getRequestURI()));
      return;
    }
    chain.doFilter(new Bounded(request), response);
  }

  /** Logs and counts a body that was refused; {@code size} -1 when it was found while reading. */
  void rejected(HttpServletRequest request, long size) {
    log.info(
        "{} {}: request body {} refused, larger than {} bytes ({})",
        request.getMethod(),
        LogText.escape(request.getRequestURI()),
        size < 0 ? "(chunked)" : "of " + size + " bytes",
        limit,
        RequestLimitsProperties.MAX_REQUEST_BYTES);
    if (meters != null) {
      meters
          .counter(
              "redrive.http.rejected",
              "reason",
              "body-too-large",
              "uri",
              request.getRequestURI().startsWith("/api/") ? "api" : "other")
          .increment();
    }
  }

  /** The request with a body stream that counts what is read. */
  private final class Bounded extends HttpServletRequestWrapper {

    private ServletInputStream stream;
    private BufferedReader reader;

    private Bounded(HttpServletRequest request) {
      super(request);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new CountingStream(super.getInputStream(), (HttpServletRequest) getRequest());
      }
      return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
      if (reader == null) {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        reader = new BufferedReader(new InputStreamReader(getInputStream(), charset));
      }
      return reader;
    }
  }

  private final class CountingStream extends ServletInputStream {

    private final ServletInputStream in;
    private final HttpServletRequest request;
    private long count;
    private boolean over;

    private CountingStream(ServletInputStream in, HttpServletRequest request) {
      this.in = in;
      this.request = request;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    private void counted(int n) throws IOException {
      count += n;
      if (count > limit) {
        if (!over) {
          over = true;
          rejected(request, -1);
        }
        throw new RequestTooLargeException(limit);
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
