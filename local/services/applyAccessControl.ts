import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { FUNCTIONS } from '../../shared/routes/manifest';
import { rabbitMqPermissions } from '../../shared/security/rabbitMqPermissions';
import { redisAclRules, redisUserOf } from '../../shared/security/redisAcl';
import { STATE_DIR } from './localPaths';

/**
 * Local passwords of the per-function users: derived, so tests and tools can log in without a vault.
 * They protect nothing on a laptop; deployed, passwords come from Secrets Manager.
 */
export const localPassword = (user: string): string => createHash('sha256').update(`triplane-local:${user}`).digest('hex').slice(0, 32);

/**
 * Creates one Redis ACL user and one RabbitMQ user per function, with the rights the manifest derives
 * (shared/security), on the local servers. rabbitmqctl takes about a second per call, so the work is
 * skipped when the wanted configuration is the one applied last time.
 */
export async function applyAccessControl(options: { namespace: string; vhost: string; redisUrl: string }): Promise<{ redisUsers: number; rabbitMqUsers: number; skipped: boolean }> {
  const redisUsers = FUNCTIONS.filter((fn) => fn.redis.reads.length + fn.redis.writes.length > 0).map((fn) => ({ user: redisUserOf(fn, options.namespace), rules: redisAclRules(fn, options.namespace) }));
  const rabbitUsers = FUNCTIONS.map((fn) => rabbitMqPermissions(fn)).filter((p) => p !== undefined);

  const redis = new Redis(options.redisUrl);
  try {
    // ACL SETUSER is cheap and idempotent: always applied, so a restarted Redis gets its users back.
    for (const { user, rules } of redisUsers) await redis.call('ACL', 'SETUSER', user, ...rules, `>${localPassword(user)}`);
  } finally {
    await redis.quit();
  }

  const marker = join(STATE_DIR, `rabbitmq-users-${createHash('sha256').update(options.vhost).digest('hex').slice(0, 8)}.json`);
  const wanted = JSON.stringify(rabbitUsers);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return { redisUsers: redisUsers.length, rabbitMqUsers: rabbitUsers.length, skipped: true };
  const existing = execFileSync('rabbitmqctl', ['list_users', '--formatter', 'json', '-q'], { encoding: 'utf8' });
  const known = new Set((JSON.parse(existing) as Array<{ user: string }>).map((u) => u.user));
  for (const permission of rabbitUsers) {
    if (!known.has(permission.user)) execFileSync('rabbitmqctl', ['add_user', permission.user, localPassword(permission.user)], { stdio: 'ignore' });
    execFileSync('rabbitmqctl', ['set_permissions', '-p', options.vhost, permission.user, permission.configure, permission.write, permission.read], { stdio: 'ignore' });
  }
  writeFileSync(marker, wanted);
  return { redisUsers: redisUsers.length, rabbitMqUsers: rabbitUsers.length, skipped: false };
}
