import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { devApiKey } from '../../../../emulator/services/devApiKey';
import { applyLocalApiKeys } from '../../../../emulator/runtime/localApiKeys';
import { vhostOf } from '../../../../shared/clients/rabbitMqUrl';
import { HttpError } from '../../../../shared/http/HttpError';
import { requireJsonContentType } from '../../../../shared/http/requireJsonContentType';
import { isPermissionError } from '../../../../shared/resilience/permissionError';
import { Downstream } from '../../../../shared/resilience/downstream';
import { parseApiKeyList } from '../../../../shared/security/apiKeyList';

const withContentType = (contentType: string | undefined) => ({ headers: contentType === undefined ? {} : { 'content-type': contentType } }) as unknown as APIGatewayProxyEventV2;
const statusOf = (run: () => void): number | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof HttpError ? error.statusCode : -1;
  }
};

describe('requireJsonContentType', () => {
  it('should accept application/json, with a utf-8 charset or none, in any case', () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON;charset="UTF-8"', 'application/json ; charset=utf8'])
      expect(statusOf(() => requireJsonContentType(withContentType(type)))).toBeUndefined();
  });
  it('should refuse with 415 anything a browser sends without a preflight, and other charsets', () => {
    for (const type of [
      undefined,
      '',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json-seq',
      'text/json',
      'application/jsonp',
    ])
      expect({ type, status: statusOf(() => requireJsonContentType(withContentType(type))) }).toEqual({ type, status: 415 });
  });
});

describe('parseApiKeyList', () => {
  it('should trim, drop blanks and duplicates, and refuse a list with no key', () => {
    expect(parseApiKeyList(' a , b,,a ', 'X')).toEqual(['a', 'b']);
    expect(parseApiKeyList('__proto__,constructor', 'X')).toEqual(['__proto__', 'constructor']);
    for (const raw of ['', ' ', ',', ' , ', ',,,']) expect(() => parseApiKeyList(raw, 'TRIPLANE_API_KEYS')).toThrow('TRIPLANE_API_KEYS is set but holds no API key');
  });
});

describe('local API keys at start', () => {
  it('should stop the start on a key list with no key, and never print keys the user gave', () => {
    expect(() => applyLocalApiKeys({ TRIPLANE_API_KEYS: ' , ' })).toThrow('TRIPLANE_API_KEYS is set but holds no API key');
    const lines = applyLocalApiKeys({ TRIPLANE_API_KEYS: 'k1,a-long-enough-key-0123456789' });
    expect(lines.join('\n')).toContain('API keys: 2 from TRIPLANE_API_KEYS');
    expect(lines.join('\n')).toContain('1 of them shorter than 16 characters');
    expect(lines.join('\n')).not.toMatch(/k1|a-long-enough-key/);
  });

  it('should make the development key once, owner-only (0600), and reuse it; a widened file is narrowed again', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'triplane-devkey-')), 'state', 'dev-api-key');
    const first = devApiKey(file);
    expect(first.created).toBe(true);
    expect(first.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(devApiKey(file)).toEqual({ key: first.key, created: false });
    chmodSync(file, 0o644);
    expect(devApiKey(file).key).toBe(first.key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, ' , \n');
    expect(() => devApiKey(file)).toThrow('holds no usable API key');
    expect(readFileSync(file, 'utf8')).toBe(' , \n');
  });
});

describe('permission errors', () => {
  const errorWith = (message: string, code?: number) => Object.assign(new Error(message), code === undefined ? {} : { code });
  it('should tell Redis and RabbitMQ refusals from outages', () => {
    for (const message of [
      'NOPERM this user has no permissions to access one of the keys used as arguments',
      "ERR The user executing the script can't run this command or subcommand script: 87, on @user_script:1.",
      "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments script: e5ed38691a1bcda2c28ed5c15585d977facf4680, on @user_script:16.",
      'WRONGPASS invalid username-password pair or user is disabled.',
      "Operation failed: BasicPublish; 403 (ACCESS-REFUSED) with message \"ACCESS_REFUSED - write access to exchange 'triplane.workflow' in vhost 'x' refused for user 'triplane-refund-payment'\"",
      'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN."',
      "Connection closed: 530 (NOT-ALLOWED) with message \"NOT_ALLOWED - access to vhost 'tp-x' refused for user 'triplane-authorize-payment'\"",
    ])
      expect({ message, permission: isPermissionError(errorWith(message)) }).toEqual({ message, permission: true });
    expect(isPermissionError(errorWith('channel closed', 403))).toBe(true);
    for (const message of [
      'connect ECONNREFUSED 127.0.0.1:6379',
      'Connection is closed.',
      "READONLY You can't write against a read only replica.",
      'NOSCRIPT No matching script',
      'Socket closed abruptly',
    ])
      expect({ message, permission: isPermissionError(errorWith(message)) }).toEqual({ message, permission: false });
    expect(isPermissionError('NOPERM')).toBe(false);
  });

  it('should count permission errors as denied, never towards opening the breaker, while outages still open it', async () => {
    const guard = new Downstream('rabbitmq', { timeoutMs: 1_000, failures: 3, halfOpenAfterMs: 60_000, maxConcurrent: 4, maxQueued: 4 });
    for (let i = 0; i < 10; i++) await expect(guard.call(() => Promise.reject(errorWith('ACCESS_REFUSED - write access refused', 403)))).rejects.toThrow('ACCESS_REFUSED');
    expect(guard.status()).toMatchObject({ state: 'closed', denied: 10, failures: 0 });
    await expect(guard.call(() => Promise.resolve('ok'))).resolves.toBe('ok');
    for (let i = 0; i < 3; i++) await expect(guard.call(() => Promise.reject(new Error('ECONNRESET')))).rejects.toThrow('ECONNRESET');
    expect(guard.status().state).toBe('open');
  });
});

describe('vhostOf', () => {
  it('should name the vhost the URL names, the default one for an empty path', () => {
    expect(vhostOf('amqp://guest:guest@127.0.0.1:5672')).toBe('/');
    expect(vhostOf('amqp://guest:guest@127.0.0.1:5672/')).toBe('/');
    expect(vhostOf('amqp://u:p@h:5672/triplane-test')).toBe('triplane-test');
    expect(vhostOf('amqp://u:p@h:5672/%2Fteam%20a')).toBe('/team a');
  });
});
