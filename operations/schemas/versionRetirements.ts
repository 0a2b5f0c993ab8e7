import { z } from 'zod';

/** Where retirements are recorded, relative to the project root: beside the schemas they let go. */
export const RETIREMENTS_FILE = 'events/schemas/retired.json';

/**
 * A released version let go on purpose. Removing a version's schema is only safe once no record of it
 * can still be read: `lastWrittenOn` is the day its last producer stopped (deployed), and the check
 * accepts the removal only when the retention of every topic that may hold it has run out since then.
 */
export interface VersionRetirement {
  type: string;
  version: number;
  /** YYYY-MM-DD (UTC): no record of this version was written after this day. */
  lastWrittenOn: string;
  /** Why, for whoever reads the history: what replaced it. */
  reason: string;
}

const retirementSchema = z.strictObject({
  type: z.string().min(1),
  version: z.number().int().min(1),
  lastWrittenOn: z.iso.date(),
  reason: z.string().min(1),
});

/** The retirement records of a parsed retired.json; an error naming the bad entry otherwise. */
export function parseRetirements(json: unknown): VersionRetirement[] {
  const parsed = z.array(retirementSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${RETIREMENTS_FILE}: ${issue === undefined ? 'invalid' : `[${issue.path.join('.')}] ${issue.message}`}`);
  }
  return parsed.data;
}
