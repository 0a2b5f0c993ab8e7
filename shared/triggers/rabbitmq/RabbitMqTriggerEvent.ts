/**
 * The event Lambda delivers from an Amazon MQ for RabbitMQ (`aws:rmq`) event source mapping. String
 * header values arrive as `{bytes: [...]}`, numbers as numbers.
 * Source: https://docs.aws.amazon.com/lambda/latest/dg/with-mq.html
 */
export type RabbitMqHeaderValue = { bytes: number[] } | number | boolean | null | string | RabbitMqHeaderValue[] | { [key: string]: RabbitMqHeaderValue };

export interface RabbitMqBasicProperties {
  contentType?: string | null;
  contentEncoding?: string | null;
  headers?: Record<string, RabbitMqHeaderValue> | null;
  deliveryMode?: number | null;
  priority?: number | null;
  correlationId?: string | null;
  replyTo?: string | null;
  expiration?: string | null;
  messageId?: string | null;
  timestamp?: string | null;
  type?: string | null;
  userId?: string | null;
  appId?: string | null;
  clusterId?: string | null;
  bodySize?: number;
}

export interface RabbitMqTriggerMessage {
  basicProperties: RabbitMqBasicProperties;
  redelivered: boolean;
  data: string;
}

export interface RabbitMqTriggerEvent {
  eventSource: 'aws:rmq';
  eventSourceArn: string;
  /** Keyed `<queue>::<vhost>`. */
  rmqMessagesByQueue: Record<string, RabbitMqTriggerMessage[]>;
}

/** Where one message came from: its queue (without the vhost) and the message as delivered. */
export interface RabbitMqSource {
  queue: string;
  vhost: string;
  message: RabbitMqTriggerMessage;
}
