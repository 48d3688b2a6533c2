import type { Kafka, KafkaConfig as KafkaJsConfig, logLevel as LogLevel } from 'kafkajs';
import type { KafkaConfig } from '../config/env.js';

/** Where Kafka client messages go (warnings and errors only). */
export type KafkaLog = (level: 'warn' | 'error', message: string, extra: Record<string, unknown>) => void;

type KafkaJs = typeof import('kafkajs');

let loaded: Promise<KafkaJs> | undefined;

/** kafkajs, loaded on first use: processes that never touch Kafka never load it. */
export function loadKafkaJs(): Promise<KafkaJs> {
  loaded ??= import('kafkajs').then((m) => ((m as { default?: KafkaJs }).default ?? m) as KafkaJs);
  return loaded;
}

// Retriable conditions kafkajs logs as errors while a group or topic settles (a new group's
// coordinator, auto-created topics): noise, as kafkajs retries them itself.
const TRANSIENT =
  /coordinator is not available|not the correct coordinator|leader is not available|This server does not host this topic-partition|rebalanc/i;

/** A kafkajs client for the configured brokers (SSL and SASL as configured). */
export async function createKafka(config: KafkaConfig, log?: KafkaLog): Promise<Kafka> {
  const { Kafka, logLevel } = await loadKafkaJs();
  const options: KafkaJsConfig = {
    clientId: config.clientId,
    brokers: [...config.brokers],
    ssl: config.ssl,
    connectionTimeout: 3000,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...extra } = entry.log;
      if (TRANSIENT.test(String(message)) || TRANSIENT.test(String(extra.error ?? ''))) return;
      const level = entry.level === (logLevel.ERROR as LogLevel) ? 'error' : 'warn';
      if (log) log(level, `kafka ${entry.namespace}: ${message}`, extra);
    },
  };
  if (config.sasl) options.sasl = { ...config.sasl } as KafkaJsConfig['sasl'];
  return new Kafka(options);
}
