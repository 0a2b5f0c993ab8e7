/**
 * True for an error that says the caller is not allowed, not that the server is down: a Redis ACL
 * refusal (NOPERM; inside a script Redis 7 words it "The user executing the script can't run this
 * command"; WRONGPASS/NOAUTH for a wrong or missing login) or a RabbitMQ refusal (ACCESS_REFUSED, code
 * 403; NOT_ALLOWED when the user has no rights on the vhost). Such an error is a defect in the
 * deployment (a rule or a credential), so it must be surfaced loudly and never be read as an outage:
 * retrying cannot fix it, and opening a shared breaker on it would refuse every other caller's calls.
 */
export function isPermissionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if ((error as { code?: unknown }).code === 403) return true;
  return PERMISSION_MESSAGES.some((pattern) => pattern.test(error.message));
}

const PERMISSION_MESSAGES: readonly RegExp[] = [
  /^NOPERM\b/,
  /\bNOPERM\b/,
  /can't run this command or subcommand/,
  // A script's key that the caller's rules do not allow (Redis 7: "The user executing the script can't access at least one of the keys ...").
  /can't access at least one of the keys/,
  /^WRONGPASS\b/,
  /^NOAUTH\b/,
  /ACCESS[-_]REFUSED/,
  /NOT[-_]ALLOWED - access to vhost/,
];
