import { homedir } from 'node:os';
import { join } from 'node:path';
import { childEnvironment, localConfig, LocalConfigError, setEnvironment, setEnvironmentDefaults } from '../../../../emulator/config/localConfig';

describe('local tools configuration', () => {
  it('should give the documented defaults for an empty environment', () => {
    const config = localConfig({});
    expect(config.TRIPLANE_PROFILE).toBe('dev');
    expect(config.KAFKA_BROKERS).toBeUndefined();
    expect(config.TRIPLANE_FRESH_KAFKA).toBe(false);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.TRIPLANE_CACHE_DIR).toBe(join(homedir(), '.cache', 'triplane'));
    expect(config.FAULTS_SIZE).toBe('full');
    expect(config.FAULTS_ONLY).toBeUndefined();
    expect(config.TPBENCH_PROJECTION_RECORDS).toBe(100_000);
    expect(config.TPBENCH_SOAK_SECONDS).toBe(600);
    expect(config.TPBENCH_SOAK_REPORT_SECONDS).toBe(60);
    expect(config.KAFKA_BENCH_CLUSTER).toEqual(['127.0.0.1:29092', '127.0.0.1:29094', '127.0.0.1:29096']);
  });

  it('should read what is set, typed', () => {
    const config = localConfig({
      TRIPLANE_PROFILE: 'test',
      KAFKA_BROKERS: ' 127.0.0.1:9092 , 127.0.0.1:9093',
      TRIPLANE_FRESH_KAFKA: '1',
      FAULTS_SIZE: 'small',
      FAULTS_ONLY: 'Kafka, redis',
      TPBENCH_READ_CONNECTIONS: '4',
      TPBENCH_SOAK_SECONDS: '90',
      TPBENCH_SOAK_REPORT_SECONDS: '15',
    });
    expect(config).toMatchObject({
      TRIPLANE_PROFILE: 'test',
      KAFKA_BROKERS: ['127.0.0.1:9092', '127.0.0.1:9093'],
      TRIPLANE_FRESH_KAFKA: true,
      FAULTS_SIZE: 'small',
      FAULTS_ONLY: ['kafka', 'redis'],
      TPBENCH_READ_CONNECTIONS: 4,
      TPBENCH_SOAK_SECONDS: 90,
      TPBENCH_SOAK_REPORT_SECONDS: 15,
    });
  });

  it('should name every wrong variable at once, with the value it got', () => {
    const read = () => localConfig({ TRIPLANE_PROFILE: 'tset', FAULTS_SIZE: 'huge', KAFKA_BROKERS: 'localhost', TRIPLANE_FRESH_KAFKA: 'yes', REDIS_URL: 'not a url' });
    expect(read).toThrow(LocalConfigError);
    const message = (() => {
      try {
        read();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const part of ['TRIPLANE_PROFILE="tset"', 'FAULTS_SIZE="huge"', 'KAFKA_BROKERS="localhost"', 'TRIPLANE_FRESH_KAFKA="yes"', 'REDIS_URL="not a url"']) expect(message).toContain(part);
  });

  it('should take an empty value for unset', () => {
    const config = localConfig({ TRIPLANE_PROFILE: '', KAFKA_BROKERS: '' });
    expect(config.TRIPLANE_PROFILE).toBe('dev');
    expect(config.KAFKA_BROKERS).toBeUndefined();
  });

  it('should see its own writes to the environment, and restore what defaults replaced', () => {
    const before = process.env.FAULTS_SIZE;
    try {
      setEnvironment({ FAULTS_SIZE: 'small' });
      expect(localConfig().FAULTS_SIZE).toBe('small');
      const previous = setEnvironmentDefaults({ FAULTS_SIZE: 'full', FAULTS_ONLY: 'kafka' });
      expect(localConfig()).toMatchObject({ FAULTS_SIZE: 'small', FAULTS_ONLY: ['kafka'] });
      setEnvironment(previous);
      expect(localConfig().FAULTS_ONLY).toBeUndefined();
      expect(childEnvironment({ FAULTS_SIZE: undefined, EXTRA: 'x' })).toMatchObject({ EXTRA: 'x' });
      expect(childEnvironment({ FAULTS_SIZE: undefined })).not.toHaveProperty('FAULTS_SIZE');
    } finally {
      setEnvironment({ FAULTS_SIZE: before, FAULTS_ONLY: undefined });
    }
  });
});
