package dev.redrive.audit.web;

import dev.redrive.support.web.ContentSecurityPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit's Content-Security-Policy: the strict one of every service, plus the execution page's
 * own inline stylesheet by its hash. The page has no script, loads nothing and may not be framed.
 */
@Configuration
class PagePolicy {

  @Bean
  ContentSecurityPolicy contentSecurityPolicy() {
    return ContentSecurityPolicy.withInlineStyles(ExecutionPage.STYLE);
  }
}
