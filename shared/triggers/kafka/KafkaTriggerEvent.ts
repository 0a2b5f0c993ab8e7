/**
 * The event Lambda delivers from an MSK (`aws:kafka`) or self-managed Kafka (`SelfManagedKafka`)
 * event source mapping. @types/aws-lambda types key and value as strings, but AWS sends null for a
 * null key and for tombstones, so they are nullable here.
 * Source: https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html
 */
export interface KafkaTriggerRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  key?: string | null;
  value: string | null;
  /** Each header is a one-key object whose value is the bytes, possibly signed (-128..127). */
  headers: Array<Record<string, number[]>>;
}

export interface KafkaTriggerEvent {
  eventSource: 'aws:kafka' | 'SelfManagedKafka';
  eventSourceArn?: string;
  bootstrapServers?: string;
  /** Keyed `<topic>-<partition>`. */
  records: Record<string, KafkaTriggerRecord[]>;
}
