import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localConfig } from '../../emulator/config/localConfig';
import { commandExists, installMissingDebianPackages } from '../../emulator/services/debianPackages';

/** The pom naming the local Kafka's jars; its `kafka.version` property is the version everywhere. */
export const KAFKA_POM = join(__dirname, 'pom.xml');

export const kafkaVersion = (): string => {
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(KAFKA_POM, 'utf8'))?.[1];
  if (version === undefined) throw new Error(`${KAFKA_POM} names no kafka.version`);
  return version;
};

/**
 * Outside the clone, so every clean clone and worktree on the machine reuses one copy (54 MB); keyed by
 * the version and the pom's content, so a changed pom fetches again.
 */
export const kafkaJarsDir = (): string => {
  return join(localConfig().TRIPLANE_CACHE_DIR, `kafka-${kafkaVersion()}`, 'libs');
};

/** Java 17 (Kafka 4 needs 17 or later for the broker) and Maven, from Debian when missing. */
export function ensureJavaAndMaven(log: (message: string) => void): void {
  installMissingDebianPackages(
    [
      ['openjdk-17-jre-headless', () => commandExists('java')],
      ['maven', () => commandExists('mvn')],
    ],
    log,
  );
}

/**
 * The folder holding every jar of the local Kafka, fetched from Maven Central on first use. The fetch
 * goes to a temporary folder renamed into place at the end, so an interrupted fetch never leaves a
 * half-filled cache that later runs would take for complete.
 */
export function ensureKafkaJars(log: (message: string) => void): string {
  // Java runs the jars even when they are cached; both checks are a `command -v` each.
  ensureJavaAndMaven(log);
  const dir = kafkaJarsDir();
  const complete = join(dir, '.complete');
  if (existsSync(complete) && readFileSync(complete, 'utf8') === readFileSync(KAFKA_POM, 'utf8')) return dir;
  const started = performance.now();
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', KAFKA_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(join(partial, '.complete'), readFileSync(KAFKA_POM, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  log(`fetched Kafka ${kafkaVersion()} jars in ${((performance.now() - started) / 1000).toFixed(1)} s (cached in ${dir})`);
  return dir;
}
