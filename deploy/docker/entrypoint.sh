#!/bin/sh
# Starts a Redrive service from the unpacked Spring Boot layers in /app.
# JAVA_OPTS: extra JVM flags, split on spaces (no quoting inside the value).
# The Avro flag is always set: generated classes in dev.redrive must be trusted by Avro 1.12.
# Arguments are passed to the application (e.g. --logging.level.dev.redrive=DEBUG).
set -e
cd /app
# shellcheck disable=SC2086
exec java ${JAVA_OPTS} \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.redrive \
  org.springframework.boot.loader.launch.JarLauncher "$@"
