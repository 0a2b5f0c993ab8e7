/** A Kafka record that cannot be decoded at all: it is dead-lettered untouched, with this reason. */
export class InvalidRecordError extends Error {
  readonly field: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidRecordError';
    this.field = field;
  }
}
