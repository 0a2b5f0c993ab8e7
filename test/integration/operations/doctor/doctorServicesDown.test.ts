import { START_SERVICES_FIX } from '../../../../operations/doctor/checkResult';
import { runDoctorCommand } from '../../../../testkit/runDoctorCommand';

describe('the doctor command with every service down', () => {
  it('should fail each service check with the start-it fix, still check the code, and exit 1 without crashing', async () => {
    // prepare: nothing listens on port 1, and no RabbitMQ node has that name
    const env = { REDIS_URL: 'redis://127.0.0.1:1', KAFKA_BROKERS: '127.0.0.1:1', RABBITMQ_NODENAME: 'doctor-absent@localhost' };

    // act
    const run = await runDoctorCommand(env);

    // assess
    const lines = run.stdout.trim().split('\n');
    const status = (name: string) => lines.find((line) => line.includes(name))?.slice(0, 4);
    expect(run.code).toBe(1);
    expect(lines.filter((line) => line.startsWith('FAIL')).every((line) => line.endsWith(`-> fix: ${START_SERVICES_FIX}`))).toBe(true);
    expect(
      [
        'redis memory policy',
        'redis lua libraries',
        'topic partitions (kafka)',
        'redis keys by family',
        'workflow queues',
        'queue depth',
        'consumer lag',
        'skipped records',
        'topic retention (kafka)',
      ].map(status),
    ).toEqual(Array(9).fill('FAIL'));
    expect(['topic partitions (manifest)', 'projection write ttl', 'route cycles', 'handler guards', 'event versions per consumer'].map(status)).toEqual(Array(5).fill('PASS'));
    expect(lines.at(-1)).toBe('5 pass, 0 warn, 9 fail');
  }, 60_000);
});
