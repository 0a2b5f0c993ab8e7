import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from './localPaths';

export const DEV_API_KEY_FILE = join(STATE_DIR, 'dev-api-key');

/**
 * The development API key of this checkout: made once (32 random bytes, base64url) in the ignored
 * state folder, readable by its owner only (0600), and reused by every `npm start` after, so curl
 * commands and scripts keep working. Delete the file to get a new key.
 */
export function devApiKey(file: string = DEV_API_KEY_FILE): { key: string; created: boolean } {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  try {
    // 'wx': never overwrite a key another process made a moment ago.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    return { key: readKey(file), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A key file copied or restored with wider rights is narrowed again: it opens the whole local API.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { key: readKey(file), created: false };
}

function readKey(file: string): string {
  const key = readFileSync(file, 'utf8').trim();
  if (key === '' || key.includes(',')) throw new Error(`${file} holds no usable API key: delete it and start again to make a new one`);
  return key;
}
