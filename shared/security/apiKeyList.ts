/** A key list that is set but holds no usable key: a configuration error, never "no authentication". */
export class ApiKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeyConfigError';
  }
}

/**
 * The keys of a comma-separated list (TRIPLANE_API_KEYS, or the `keys` field of the deployed secret),
 * trimmed, blanks dropped. A list that names no key at all (" , ") is refused rather than read as
 * "no keys, so no check": a typo must never turn authentication off. `source` names where the list
 * came from, for the error; the keys themselves never appear in it.
 */
export function parseApiKeyList(raw: string, source: string): string[] {
  const keys = raw
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  if (keys.length === 0) throw new ApiKeyConfigError(`${source} is set but holds no API key (a comma-separated list of keys is expected)`);
  return [...new Set(keys)];
}
