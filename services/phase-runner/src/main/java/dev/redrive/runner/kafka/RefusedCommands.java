package dev.redrive.runner.kafka;

import dev.redrive.runner.app.RequestRefusedException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.stereotype.Component;

/**
 * Classifies a command the runner's use cases refuse ({@link RequestRefusedException}: an unknown
 * execution or phase, a conflict with the execution's state, a bad start) like an invalid event:
 * not retried, sent to the dead-letter topic at once with its message as the reason.
 */
@Component
class RefusedCommands {

  RefusedCommands(CommonErrorHandler errorHandler) {
    if (!(errorHandler instanceof DefaultErrorHandler handler)) {
      throw new IllegalStateException(
          "the runner expects Redrive's DefaultErrorHandler for its listeners, found "
              + errorHandler.getClass().getName());
    }
    handler.addNotRetryableExceptions(RequestRefusedException.class);
  }
}
