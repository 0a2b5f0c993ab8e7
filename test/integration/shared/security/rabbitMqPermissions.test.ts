import { connect } from 'amqplib';
import { applyRabbitMqUsers, LOCAL_MANAGEMENT_API, localPassword } from '../../../../emulator/services/applyAccessControl';
import { FUNCTIONS } from '../../../../shared/routes/functionCatalog';
import { ownRabbitMqUserOf } from '../../../../shared/security/rabbitMqPermissions';

/**
 * Function users on a vhost other than `/` and the profiles' own: the users get their rights on the
 * vhost in use, where the workflow starter and the steps must log in (the old setup granted `/` only,
 * and the starter failed forever with "Expected ConnectionOpenOk").
 */
const VHOST = `triplane-vhost-${process.pid}-${Date.now()}`;
const auth = `Basic ${Buffer.from(`${LOCAL_MANAGEMENT_API.username}:${LOCAL_MANAGEMENT_API.password}`).toString('base64')}`;
const management = (method: string, path: string) => fetch(`${LOCAL_MANAGEMENT_API.url}/api/${path}`, { method, headers: { authorization: auth } });

beforeAll(async () => {
  expect((await management('PUT', `vhosts/${encodeURIComponent(VHOST)}`)).ok).toBe(true);
});
afterAll(async () => {
  await management('DELETE', `vhosts/${encodeURIComponent(VHOST)}`);
});

describe('function users on another vhost', () => {
  it('should let every step and publisher log in to the vhost in use once its users are applied there, and not before', async () => {
    const users = FUNCTIONS.map((fn) => ownRabbitMqUserOf(fn)).filter((u) => u !== undefined);
    expect(users.length).toBe(5);
    const login = (user: string) => connect(`amqp://${encodeURIComponent(user)}:${localPassword(user)}@127.0.0.1:5672/${encodeURIComponent(VHOST)}`);
    await expect(login(users[0] ?? '')).rejects.toThrow();
    expect(await applyRabbitMqUsers(VHOST)).toBe(6);
    for (const user of users) {
      const connection = await login(user);
      await connection.close();
    }
  });
});
