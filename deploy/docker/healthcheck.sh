#!/bin/sh
# Container health check: the service's readiness probe on its own HTTP port.
# The port comes from the same variable the service reads (see services/<service>/src/main/resources/<service>.yml).
case "${REDRIVE_SERVICE:-}" in
  phase-runner) port="${REDRIVE_RUNNER_PORT:-8091}" ;;
  retry-coordinator) port="${REDRIVE_COORDINATOR_PORT:-8092}" ;;
  audit) port="${REDRIVE_AUDIT_PORT:-8093}" ;;
  *) echo "REDRIVE_SERVICE is '${REDRIVE_SERVICE:-}', expected phase-runner, retry-coordinator or audit" >&2; exit 1 ;;
esac
exec curl --fail --silent --show-error --max-time 4 --output /dev/null \
  "http://127.0.0.1:${port}/actuator/health/readiness"
