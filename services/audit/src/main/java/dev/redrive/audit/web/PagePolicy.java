package dev.redrive.audit.web;

import dev.redrive.support.web.ContentSecurityPolicy;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit's Content-Security-Policy: the strict one of every service, plus the pages' own inline
 * stylesheets and the index page's one script, each by its hash; scripts may open streams to the
 * audit itself (the index's live rows) and forms may be sent to it (the index's filters, sign-in).
 * Nothing else loads, and no page may be framed.
 */
@Configuration
class PagePolicy {

  @Bean
  ContentSecurityPolicy contentSecurityPolicy() {
    return ContentSecurityPolicy.forPages(
        List.of(ExecutionPage.STYLE, IndexPage.STYLE), List.of(IndexScript.SCRIPT));
  }
}
