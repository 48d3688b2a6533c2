#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft: broker and controller in one JVM) on 127.0.0.1 for
# Vigil's tests, benchmarks and local development. No Docker: the broker's jars come from Maven
# Central through Maven (scripts/kafka/pom.xml) into a cache folder, and run with `java -cp`.
#
#   scripts/kafka-broker.sh start    resolve jars if needed, format storage once, start, wait until
#                                    the broker answers a metadata request; prints the bootstrap
#                                    address (127.0.0.1:9092) on stdout, progress on stderr
#   scripts/kafka-broker.sh stop     stop the broker (SIGTERM, then SIGKILL after 30 s)
#   scripts/kafka-broker.sh status   exit 0 and print the address when it runs, exit 1 otherwise
#   scripts/kafka-broker.sh clean    stop and delete its data and logs
#   scripts/kafka-broker.sh log      print the path of the broker's own log
#
# Settings (environment): KAFKA_VERSION (4.1.1), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
# VIGIL_KAFKA_CACHE (~/.cache/vigil-kafka: jars), VIGIL_KAFKA_DIR (${TMPDIR:-/tmp}/vigil-kafka-PORT:
# config, data, broker.log, broker.pid), KAFKA_HEAP (1g). Needs Java 17+ and Maven.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
version="${KAFKA_VERSION:-4.1.1}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
host=127.0.0.1
cache="${VIGIL_KAFKA_CACHE:-${HOME:-/root}/.cache/vigil-kafka}"
libs="$cache/$version/libs"
run_dir="${VIGIL_KAFKA_DIR:-${TMPDIR:-/tmp}/vigil-kafka-$port}"
pid_file="$run_dir/broker.pid"
log_file="$run_dir/broker.log"
bootstrap="$host:$port"

log() { printf 'kafka-broker: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# A metadata round trip (list topics) through Kafka's own admin client: the port being open is not
# enough, the broker must have joined its KRaft quorum and registered.
metadata_ok() {
  timeout 30 java -Xmx256m -cp "$libs/*" -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --list >/dev/null 2>&1
}

resolve_jars() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch the Kafka jars from Maven Central"
  log "resolving Apache Kafka $version jars from Maven Central into $libs"
  rm -rf "$libs"
  mkdir -p "$libs"
  mvn -q -B -Dstyle.color=never -f "$here/kafka/pom.xml" -Dkafka.version="$version" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >&2 ||
    die "resolving the Kafka jars failed (see Maven's output above)"
  touch "$libs/.complete"
}

write_config() {
  mkdir -p "$run_dir/data"
  cat >"$run_dir/server.properties" <<EOF
# Written by scripts/kafka-broker.sh: a single-node KRaft broker for tests and development.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$controller_port
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller_port
advertised.listeners=PLAINTEXT://$host:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$run_dir/data
num.partitions=4
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.segment.bytes=268435456
EOF
}

start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid)"
    echo "$bootstrap"
    return 0
  fi
  command -v java >/dev/null 2>&1 || die "Java 17+ is needed to run the broker"
  if port_open "$port" || port_open "$controller_port"; then
    die "port $port or $controller_port is taken by another process"
  fi
  resolve_jars
  write_config
  local java_opts=(-Xms256m "-Xmx${KAFKA_HEAP:-1g}" -XX:+UseG1GC -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$here/kafka/log4j2.properties")
  if [ ! -f "$run_dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    log "formatting storage in $run_dir/data (cluster $cluster_id)"
    java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$run_dir/server.properties" >>"$log_file" 2>&1 ||
      die "formatting storage failed; see $log_file"
  fi
  log "starting Kafka $version on $bootstrap (log: $log_file)"
  # setsid: the broker outlives this script and the shell that ran it.
  setsid nohup java "${java_opts[@]}" -cp "$libs/*" kafka.Kafka "$run_dir/server.properties" \
    >>"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 120); do
    if ! running_pid >/dev/null; then
      tail -30 "$log_file" >&2
      die "the broker exited during start-up"
    fi
    port_open "$port" && break
    sleep 0.5
  done
  port_open "$port" || die "the broker did not open $bootstrap within 60 s; see $log_file"
  for _ in $(seq 1 10); do
    if metadata_ok; then
      log "ready (pid $(cat "$pid_file"))"
      echo "$bootstrap"
      return 0
    fi
    sleep 1
  done
  die "the broker on $bootstrap does not answer metadata requests; see $log_file"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    rm -f "$pid_file"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}

status() {
  local pid
  if pid="$(running_pid)" && port_open "$port"; then
    log "running (pid $pid)"
    echo "$bootstrap"
    return 0
  fi
  log "not running"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean)
    stop
    rm -rf "$run_dir"
    ;;
  log) echo "$log_file" ;;
  *)
    echo "usage: $0 start|stop|status|clean|log" >&2
    exit 2
    ;;
esac
