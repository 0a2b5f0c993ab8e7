import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';

const bootstrapFile = z.object({ bootstrap: z.string().min(1) });

/** The `bootstrap` field of a kafka.json (comma-separated host:port), or undefined when there is none. */
export function readKafkaBootstrap(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = bootstrapFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data.bootstrap : undefined;
}

export function writeKafkaBootstrap(file: string, bootstrap: string): void {
  writeFileSync(file, `${JSON.stringify({ bootstrap }, null, 2)}\n`);
}
