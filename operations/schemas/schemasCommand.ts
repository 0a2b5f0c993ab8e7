import { EVENT_CATALOG } from '../../shared/envelope/eventCatalog';
import { eventJsonSchemas } from '../../shared/envelope/eventJsonSchemas';
import { DEAD_LETTER_TOPIC, TOPICS } from '../../shared/routes/topics';
import { PROJECT_ROOT } from '../../emulator/services/localPaths';
import { checkSchemaContract } from './checkSchemaContract';
import { readCommittedSchemas, readRetirements, writeCommittedSchemas } from './committedSchemas';
import { formatContractFindings } from './formatContractFindings';

const USAGE = 'usage: npm run schemas -- check | write';

/**
 * `npm run schemas -- check`: the event catalog against the released schemas in events/schemas/;
 * exits 1 on a change that could break a consumer (part of `npm test`).
 * `npm run schemas -- write`: releases the catalog as it is now (the acceptance step: it refuses nothing).
 */
function main(): number {
  const [command, ...rest] = process.argv.slice(2);
  if (rest.length > 0 || (command !== 'check' && command !== 'write')) {
    console.error(USAGE);
    return 2;
  }
  const findings = checkSchemaContract({
    catalog: EVENT_CATALOG,
    committed: readCommittedSchemas(PROJECT_ROOT),
    retirements: readRetirements(PROJECT_ROOT),
    topicRetentionMs: Object.fromEntries(Object.entries(TOPICS).map(([name, topic]) => [name, topic.retentionMs])),
    deadLetterTopic: DEAD_LETTER_TOPIC,
    today: new Date(),
  });
  const schemas = eventJsonSchemas(EVENT_CATALOG);
  const report = formatContractFindings(findings, schemas.length);
  for (const line of report.lines) console.log(line);
  if (command === 'check') {
    console.log(report.summary);
    return report.exitCode;
  }
  const written = writeCommittedSchemas(PROJECT_ROOT, schemas);
  for (const file of written.written) console.log(`wrote   ${file}`);
  for (const file of written.removed) console.log(`removed ${file}`);
  console.log(`${written.written.length} written, ${written.removed.length} removed, ${written.unchanged} unchanged${report.exitCode === 0 ? '' : ' (released with the breaking changes above)'}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`schemas: ${(error as Error).message}`);
  process.exitCode = 2;
}
