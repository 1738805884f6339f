#!/bin/sh
# Stand-in for kafka-broker-api-versions.sh --bootstrap-server HOST:PORT: 0 when the broker answers.
[ "${1:-}" = --bootstrap-server ] || { echo "usage: $0 --bootstrap-server HOST:PORT" >&2; exit 2; }
exec /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$2" --list
