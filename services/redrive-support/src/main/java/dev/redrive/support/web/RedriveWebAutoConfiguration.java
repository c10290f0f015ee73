package dev.redrive.support.web;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One bearer-token check and one set of security headers for every Redrive service with a servlet
 * web server ({@code redrive.security.*}, see {@link ApiAccess}).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(SecurityProperties.class)
public class RedriveWebAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(RedriveWebAutoConfiguration.class);

  /**
   * Outside the {@code local} profile a service does not start without a write token. A service
   * with pages names its sign-in page in {@code redrive.security.sign-in-page} (see {@link
   * PageSession}).
   */
  @Bean
  ApiAccess apiAccess(SecurityProperties properties, Environment environment) {
    ApiAccess access =
        ApiAccess.configure(properties, environment.acceptsProfiles(Profiles.of("local")))
            .withSignInPage(environment.getProperty("redrive.security.sign-in-page", ""));
    if (access.writesOpen()) {
      log.warn(
          "no redrive.security.api-token (local profile): every endpoint is open to anyone who"
              + " can reach this port");
    } else {
      log.info(
          "HTTP access: writes need a bearer token, reads {}, named users {}",
          access.readsOpen() ? "are open" : "need the read token",
          access.userNames());
    }
    return access;
  }

  /**
   * The JSON converter of the REST endpoints: the application's mapper, except that a member the
   * request type does not have is an error (400 naming it, see {@link BadRequestProblems}) instead
   * of being dropped, so a typo such as {@code staggerMs} for {@code stagger} is not silently
   * ignored. Only HTTP bodies: stored JSON is read with the application's lenient mapper, so data
   * written by an older version still reads. Spring Boot's configurer is {@code @Order(0)}; this
   * one comes after it and replaces the JSON converter in its place (after the String converter).
   */
  @Bean
  WebMvcConfigurer redriveStrictJsonBodies(JsonMapper jsonMapper) {
    JsonMapper strict =
        jsonMapper.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    return new WebMvcConfigurer() {
      @Override
      public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.withJsonConverter(new JacksonJsonHttpMessageConverter(strict));
      }
    };
  }

  @Bean
  @ConditionalOnMissingBean
  ContentSecurityPolicy contentSecurityPolicy() {
    return ContentSecurityPolicy.strict();
  }

  @Bean
  FilterRegistrationBean<SecurityHeadersFilter> redriveSecurityHeaders(
      ContentSecurityPolicy policy) {
    FilterRegistrationBean<SecurityHeadersFilter> registration =
        new FilterRegistrationBean<>(new SecurityHeadersFilter(policy));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<BearerTokenFilter> redriveBearerToken(
      ApiAccess access, MeterRegistry meters) {
    FilterRegistrationBean<BearerTokenFilter> registration =
        new FilterRegistrationBean<>(new BearerTokenFilter(access, meters));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }
}
