package dev.redrive.support.topic;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.ProcessEvent;
import dev.redrive.avro.RetryRequested;
import java.util.List;

/** The one list of Redrive topics; no topic name is written anywhere else. */
public final class RedriveTopics {

  /** Attempt facts from the phase-runner and from any system whose retries Redrive manages. */
  public static final Topic ATTEMPTS = new Topic("redrive.attempts", AttemptEvent.class);

  /** Retry requests from people (CLI, REST) and other systems. */
  public static final Topic REQUESTS = new Topic("redrive.requests", RetryRequested.class);

  /** Commands for the phase-runner: retries, starts, rollbacks, cancellations. */
  public static final Topic COMMANDS = new Topic("redrive.commands", CommandEvent.class);

  /** What the retry-coordinator decided and why. */
  public static final Topic DECISIONS = new Topic("redrive.decisions", DecisionEvent.class);

  /** The lifecycle of executions in the phase-runner. */
  public static final Topic PROCESS_EVENTS =
      new Topic("redrive.process-events", ProcessEvent.class);

  /** Every topic of the contract, in the order the flow uses them. */
  public static final List<Topic> ALL =
      List.of(ATTEMPTS, REQUESTS, COMMANDS, DECISIONS, PROCESS_EVENTS);

  private RedriveTopics() {}
}
