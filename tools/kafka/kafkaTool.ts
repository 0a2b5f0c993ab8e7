import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaJarsDir } from './kafkaJars';

/** Kafka's admin tools (kafka-tools jar, in the local Kafka's jars), as the shell scripts of a Kafka distribution would run them. */
export const LEADER_ELECTION_COMMAND = 'org.apache.kafka.tools.LeaderElectionCommand';
export const REASSIGN_PARTITIONS_COMMAND = 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand';
const TOOL_TIMEOUT_MS = 60_000;

export interface ToolRun {
  stdout: string;
  ms: number;
}

/**
 * Runs one of Kafka's tool classes (`java -cp '<libs>/*' <class> --bootstrap-server ... <args>`), with
 * each `files` entry written as a JSON file whose path replaces `{name}` in args. Rejects with the tool's
 * own output when it exits non-zero (LeaderElectionCommand does when a partition could not be elected).
 */
export async function runKafkaTool(className: string, bootstrap: string, args: readonly string[], files: Record<string, unknown> = {}): Promise<ToolRun> {
  const dir = mkdtempSync(join(tmpdir(), 'triplane-kafka-tool-'));
  const started = Date.now();
  try {
    const paths = new Map<string, string>();
    for (const [name, content] of Object.entries(files)) {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(content));
      paths.set(`{${name}}`, path);
    }
    const resolved = args.map((arg) => paths.get(arg) ?? arg);
    // A small heap and no JIT tiers beyond C1: the tools run for under a second on a machine the brokers share.
    const java = ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-cp', join(kafkaJarsDir(), '*'), className, '--bootstrap-server', bootstrap, ...resolved];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile('java', java, { timeout: TOOL_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (error, out, err) => {
        const text = `${out}${err}`
          .split('\n')
          .filter((line) => !line.startsWith('SLF4J'))
          .join('\n')
          .trim();
        if (error) reject(new Error(`${className.split('.').pop() ?? className} ${resolved.join(' ')} failed: ${text.slice(0, 800) || error.message}`));
        else resolve(text);
      });
    });
    return { stdout, ms: Date.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
