package dev.redrive.cli;

/**
 * One Server-Sent Event as the audit's stream sends it.
 *
 * @param type the {@code event:} field (the Redrive event type), or "message" when absent
 * @param id the {@code id:} field (the event id), or null
 * @param data the {@code data:} lines joined with newlines (the timeline entry as JSON)
 */
record SseEvent(String type, String id, String data) {}
