package dev.redrive.support.web;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Every Redrive servlet service bounds its request bodies ({@link RequestSizeLimitFilter}) and
 * answers bad input with problem details that name the field ({@link BadRequestProblems}).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(RequestLimitsProperties.class)
public class RequestLimitsAutoConfiguration {

  @Bean
  FilterRegistrationBean<RequestSizeLimitFilter> redriveRequestSizeLimit(
      RequestLimitsProperties properties, ObjectProvider<MeterRegistry> meters) {
    FilterRegistrationBean<RequestSizeLimitFilter> registration =
        new FilterRegistrationBean<>(
            new RequestSizeLimitFilter(
                properties.maxRequestBytes().toBytes(), meters.getIfAvailable()));
    // before anything that might read the body
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  @Bean
  BadRequestProblems redriveBadRequestProblems() {
    return new BadRequestProblems();
  }
}
