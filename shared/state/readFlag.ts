export interface Flag {
  name: string;
  enabled: boolean;
  rollout: number;
  updatedAt: string | null;
}

/** A flag as stored by the flags projection (JSON per hash field), read defensively: a flag read never fails a page. */
export function readFlag(name: string, stored: string): Flag {
  let value: Record<string, unknown> = {};
  try {
    value = JSON.parse(stored) as Record<string, unknown>;
  } catch {
    // A corrupt field reads as a disabled flag rather than an error: flags gate features, so off is the safe side.
  }
  return {
    name,
    enabled: value.enabled === true,
    rollout: typeof value.rollout === 'number' ? value.rollout : 0,
    updatedAt: typeof value.updatedAt === 'string' ? value.updatedAt : null,
  };
}
