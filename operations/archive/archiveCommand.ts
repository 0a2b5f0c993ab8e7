import { configuredArchive } from '../../shared/archive/configuredArchive';
import { localKafka } from '../../emulator/runtime/localKafka';
import { archiveDir } from '../../emulator/services/localPaths';
import { lookupArchive, formatHistory } from './lookupArchive';
import { formatArchiveReport, verifyArchive } from './verifyArchive';
import { setEnvironmentDefaults } from '../../emulator/config/localConfig';

/**
 * `npm run archive -- verify [--group-suffix S]`: the completeness proof; exits 1 on a gap.
 * `npm run archive -- lookup --event-id ID | --correlation-id ID | --key KEY`: an event's or an
 * order's (or a user's) whole history from the archive.
 */
async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? args[at + 1] : undefined;
  };
  setEnvironmentDefaults({ TRIPLANE_ARCHIVE_DIR: archiveDir() });
  const store = configuredArchive();
  if (command === 'verify') {
    const report = await verifyArchive({ brokers: (await localKafka()).brokers, store, groupSuffix: option('group-suffix') });
    console.log(formatArchiveReport(report, store.location));
    return report.ok ? 0 : 1;
  }
  if (command === 'lookup') {
    const query = { eventId: option('event-id'), correlationId: option('correlation-id'), key: option('key') };
    if (!query.eventId && !query.correlationId && !query.key) throw new Error('lookup needs --event-id, --correlation-id or --key');
    const history = await lookupArchive(store, query);
    console.log(formatHistory(history));
    return history.length > 0 ? 0 : 1;
  }
  console.error('usage: npm run archive -- verify [--group-suffix S] | lookup --event-id ID | --correlation-id ID | --key KEY');
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`archive: ${(error as Error).message}`);
    process.exit(2);
  },
);
