import { relative } from 'node:path';
import { parseApiKeyList } from '../../shared/security/apiKeyList';
import { DEV_API_KEY_FILE, devApiKey } from '../services/devApiKey';
import { PROJECT_ROOT } from '../services/localPaths';

/** Keys shorter than this are accepted (the user chose them) but called out: they can be guessed. */
const SHORT_KEY = 16;

/**
 * The local runtime's API keys, before any handler loads: TRIPLANE_API_KEYS when set (an unusable
 * list such as " , " stops the start), otherwise the checkout's development key, put into
 * TRIPLANE_API_KEYS for the handlers and the ops view. Returns the lines to print at start; the
 * development key is printed (it is this machine's own), keys the user gave are not.
 */
export function applyLocalApiKeys(env: NodeJS.ProcessEnv = process.env): string[] {
  const given = env.TRIPLANE_API_KEYS;
  if (given !== undefined) {
    const keys = parseApiKeyList(given, 'TRIPLANE_API_KEYS');
    const short = keys.filter((key) => key.length < SHORT_KEY).length;
    return [
      `API keys: ${keys.length} from TRIPLANE_API_KEYS; every route, /ops included, needs one in x-api-key`,
      ...(short > 0 ? [`warning: ${short} of them shorter than ${SHORT_KEY} characters, easy to guess`] : []),
    ];
  }
  const { key, created } = devApiKey();
  env.TRIPLANE_API_KEYS = key;
  const file = relative(PROJECT_ROOT, DEV_API_KEY_FILE);
  return [`API key (development, ${created ? 'generated now' : 'generated on first start'}, in ${file}): ${key}`, `every route, /ops included, needs it: curl -H "x-api-key: $(cat ${file})" ...`];
}
