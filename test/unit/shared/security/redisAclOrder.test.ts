import { FUNCTIONS } from '../../../../shared/routes/functionCatalog';
import { redisAclRules, usesRedis } from '../../../../shared/security/redisAcl';

const keyRulesOf = (rules: readonly string[]): string[] => rules.filter((rule) => rule.includes('~'));
const digitsOf = (rule: string): number => rule.split('[0-9]').length - 1;

/**
 * Redis tries a user's key patterns in order until one matches, so the order only sets how long a
 * verdict takes (which patterns there are is what test/integration/shared/security/redisAcl checks
 * on the real ACL engine). Keys live in small generations, so the short patterns go first.
 */
describe('redisAclRules pattern order', () => {
  const users = FUNCTIONS.filter(usesRedis);

  it('should try every one-digit generation pattern before any longer one, for every function', () => {
    for (const fn of users) {
      const digits = keyRulesOf(redisAclRules(fn, 'tp', FUNCTIONS)).map(digitsOf);
      expect({ fn: fn.name, digits }).toEqual({ fn: fn.name, digits: [...digits].sort((a, b) => a - b) });
    }
  });

  it("should try a family's keys with an id before its bare key within a digit count", () => {
    const leaderboards = users.find((fn) => fn.name === 'project-leaderboards');
    if (leaderboards === undefined) throw new Error('project-leaderboards is in the catalog');
    const rules = keyRulesOf(redisAclRules(leaderboards, 'tp', FUNCTIONS));
    expect(rules.slice(0, 4)).toEqual([
      '%R~tp:generation:leaderboards',
      '~tp:g[0-9]-leaderboards:leaderboard:*',
      '~tp:g[0-9]-leaderboards:idem:project-leaderboards:*',
      '~tp:g[0-9]-leaderboards:leaderboard',
    ]);
  });

  it('should keep the key rules unique and together, between reset/on and the command rules', () => {
    for (const fn of users) {
      const rules = redisAclRules(fn, 'tp', FUNCTIONS);
      const keys = keyRulesOf(rules);
      expect(new Set(keys).size).toBe(keys.length);
      expect(rules.slice(0, 2 + keys.length)).toEqual(['reset', 'on', ...keys]);
    }
  });
});
