package dev.redrive.support.web;

import dev.redrive.support.config.RedriveSupportAutoConfiguration;
import dev.redrive.support.limits.InputLimits;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The input limits of a service that serves HTTP: path ids are checked before any handler, and a
 * field over its limit is answered 413/400 naming it ({@link InputLimitProblems}).
 */
@AutoConfiguration(after = RedriveSupportAutoConfiguration.class)
@ConditionalOnClass(WebMvcConfigurer.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class InputLimitsWebAutoConfiguration {

  @Bean
  InputLimitProblems inputLimitProblems(MeterRegistry meters) {
    return new InputLimitProblems(meters);
  }

  @Bean
  WebMvcConfigurer pathIdChecks(InputLimits inputLimits) {
    return new WebMvcConfigurer() {
      @Override
      public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new PathIdCheck(inputLimits));
      }
    };
  }
}
