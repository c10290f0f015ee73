package dev.redrive.coordinator.config;

import dev.redrive.avro.CommandEvent;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import java.util.Map;

/** Where the retry commands of an execution go: its source's command topic, or redrive.commands. */
public record CommandRouting(Map<String, Topic> bySource) {

  public CommandRouting {
    bySource = Map.copyOf(bySource);
  }

  static CommandRouting from(CoordinatorProperties properties) {
    Map<String, Topic> topics = new java.util.HashMap<>();
    properties
        .sources()
        .forEach(
            (name, source) -> {
              if (!source.commandTopic().isBlank()) {
                topics.put(name, new Topic(source.commandTopic(), CommandEvent.class));
              }
            });
    return new CommandRouting(topics);
  }

  public Topic commandTopic(String source) {
    return source == null
        ? RedriveTopics.COMMANDS
        : bySource.getOrDefault(source, RedriveTopics.COMMANDS);
  }
}
