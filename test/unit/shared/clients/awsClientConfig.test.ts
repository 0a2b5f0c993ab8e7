import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import { AWS_CONNECTION_TIMEOUT_MS, AWS_MAX_ATTEMPTS, AWS_REQUEST_TIMEOUT_MS, awsClientConfig } from '../../../../shared/clients/awsClientConfig';

/** Every .ts file of the code that runs on Lambda. */
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));

// That the SDK applies them is shown against a server that never answers: test/integration/shared/clients/awsClientTimeouts.test.ts.
describe('awsClientConfig', () => {
  it('should build every AWS SDK client of the functions and shared code with it', () => {
    const constructions: string[] = [];
    for (const file of [...sourceFiles(join(PROJECT_ROOT, 'shared')), ...sourceFiles(join(PROJECT_ROOT, 'functions'))]) {
      const source = readFileSync(file, 'utf8');
      // The client classes this file imports from an @aws-sdk/client-* package.
      const clients = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-[a-z0-9-]+'/g)].flatMap((m) =>
        (m[1] ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name.endsWith('Client')),
      );
      for (const client of clients) {
        for (const call of source.matchAll(new RegExp(`new ${client}\\(([^)]*)`, 'g'))) constructions.push(`${relative(PROJECT_ROOT, file)}: new ${client}(${call[1] ?? ''}`);
      }
    }
    // Secrets Manager twice (users' secrets, API keys), the MSK API, S3: a new client must be added here knowingly.
    expect(constructions.length).toBeGreaterThanOrEqual(4);
    expect(constructions.filter((c) => !/new \w+Client\(awsClientConfig\(/.test(c))).toEqual([]);
  });

  it('should bound the connection, each attempt and the number of attempts', () => {
    expect(awsClientConfig({ region: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
      maxAttempts: AWS_MAX_ATTEMPTS,
      requestHandler: { connectionTimeout: AWS_CONNECTION_TIMEOUT_MS, requestTimeout: AWS_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true, socketTimeout: AWS_REQUEST_TIMEOUT_MS },
    });
    expect(AWS_MAX_ATTEMPTS).toBeLessThanOrEqual(3);
    expect(AWS_MAX_ATTEMPTS * (AWS_CONNECTION_TIMEOUT_MS + AWS_REQUEST_TIMEOUT_MS)).toBeLessThan(30_000);
  });
});
