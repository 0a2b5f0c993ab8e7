import { Redis } from 'ioredis';

/**
 * patches/ioredis+6.0.0.patch: a pipeline's `length` is read through its prototype, not an accessor
 * defined on each instance. With the per-instance accessor, every pipeline got a V8 hidden class of its
 * own in old space and its commands and replies outlived young collections (README, read).
 */
describe('ioredis Pipeline as patched', () => {
  const redis = new Redis({ lazyConnect: true, enableOfflineQueue: true });
  afterAll(() => redis.disconnect());

  it('has no own length property, so pipelines share their hidden class', () => {
    const pipeline = redis.pipeline();
    expect(Object.getOwnPropertyNames(pipeline)).not.toContain('length');
    expect(typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(pipeline), 'length')?.get).toBe('function');
  });

  it('still counts the commands queued in each pipeline on its own', () => {
    const first = redis.pipeline();
    const second = redis.pipeline();
    first.get('a').get('b').set('c', '1');
    second.get('a');
    expect((first as unknown as { length: number }).length).toBe(3);
    expect((second as unknown as { length: number }).length).toBe(1);
  });
});
