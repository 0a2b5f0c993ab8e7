import * as z from 'zod';

/** The field types both configurations are written in: each error says what the value must be. */
export const wholeNumber = (min: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number >= ${min}`)
    .transform(Number)
    .refine((n) => n >= min, `must be a whole number >= ${min}`)
    .optional()
    .transform((n) => n ?? fallback);
export const url = z.url('must be a URL');
export const text = z.string().min(1, 'must not be empty');

/** A variable that is set but wrong; `name` says whose configuration (ConfigError, LocalConfigError). */
export class ConfigError extends Error {
  constructor(message: string, name = 'ConfigError') {
    super(message);
    this.name = name;
  }
}

/**
 * Reads the variables a schema names from an environment, validated once: the functions' and the local
 * tools' configuration both read this way (shared/config/functionConfig, emulator/config/localConfig).
 * An empty value counts as unset, as shells and templates often leave one, except for the names in
 * `keepEmpty`. Every wrong variable is named in one error, with the value it had. A reader caches the
 * last configuration while the variables are unchanged, for its caller's own environment only.
 */
export function environmentReader<T extends z.ZodObject>(schema: T, options: { keepEmpty?: ReadonlySet<string>; error: (message: string) => Error }) {
  const names = Object.keys(schema.shape);
  let cached: { values: ReadonlyArray<string | undefined>; config: z.output<T> } | undefined;
  // Called for every record on hot paths (a workflow step's provider calls): the cache check reads each
  // variable once and allocates nothing, and stops at the first that changed.
  const unchanged = (env: NodeJS.ProcessEnv, values: ReadonlyArray<string | undefined>): boolean => {
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      if ((Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined) !== values[i]) return false;
    }
    return true;
  };
  return (env: NodeJS.ProcessEnv, cache: boolean): z.output<T> => {
    if (cache && cached !== undefined && unchanged(env, cached.values)) return cached.config;
    const values = names.map((name) => [name, Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined] as const);
    const given = Object.fromEntries(values.filter(([name, value]) => value !== undefined && (value !== '' || options.keepEmpty?.has(name) === true)));
    const parsed = schema.safeParse(given);
    if (!parsed.success) {
      throw options.error(`invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}=${JSON.stringify(given[String(issue.path[0])])}: ${issue.message}`).join('; ')}`);
    }
    if (cache) cached = { values: values.map(([, value]) => value), config: parsed.data };
    return parsed.data;
  };
}
