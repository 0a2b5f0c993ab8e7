/** Where the audit sink keeps archive objects: S3 when deployed, a local folder on a laptop. */
export interface ArchiveStore {
  /** Writes the whole object; writing an existing name replaces it (that is how retries stay exactly-once). */
  put(name: string, body: string): Promise<void>;
  get(name: string): Promise<string | undefined>;
  /** Every object name under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  delete(name: string): Promise<void>;
  /** Where it is, for messages (`s3://bucket/prefix`, a folder path). */
  readonly location: string;
}
