package dev.redrive.support.avro;

/**
 * What a request to the schema registry is for, to say so when it fails.
 *
 * @param action what the client was doing, as in "could not {action}"
 * @param subject the subject asked about, or null
 * @param id the schema id asked about, or null
 */
record RegistryCall(String action, String subject, Integer id) {}
