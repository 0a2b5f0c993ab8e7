import { memoryStatus } from '../../../../emulator/ops/collectOpsStatus';
import { isolateMemory, type FunctionFigures } from '../../../../emulator/ops/processFigures';

const usage = (heapUsed: number): NodeJS.MemoryUsage => ({ rss: 300, heapTotal: heapUsed * 2, heapUsed, external: 7, arrayBuffers: 3 });
const worker = (name: string, heapUsed: number): FunctionFigures => ({
  function: name,
  functions: [],
  breakers: [],
  retries: undefined,
  published: {},
  memory: { heapUsed, heapTotal: heapUsed + 1, external: 1, arrayBuffers: 0 },
});

describe('memoryStatus', () => {
  it("should give the process RSS, the runtime thread's heap and each worker's own heap, by function name", () => {
    const status = memoryStatus(usage(40), [worker('triplane-local-z', 9), worker('triplane-local-a', 12)]);
    expect(status).toEqual({
      rss: 300,
      heapUsed: 40,
      heapTotal: 80,
      external: 7,
      arrayBuffers: 3,
      workers: [
        { function: 'triplane-local-a', heapUsed: 12, heapTotal: 13, external: 1, arrayBuffers: 0 },
        { function: 'triplane-local-z', heapUsed: 9, heapTotal: 10, external: 1, arrayBuffers: 0 },
      ],
    });
  });

  it('should list no worker before any function was invoked', () => {
    expect(memoryStatus(usage(40), []).workers).toEqual([]);
  });
});

describe('isolateMemory', () => {
  it('should give the heap after the last full collection once there was one, and leave it out before', () => {
    expect(isolateMemory(usage(40), 25)).toEqual({ heapUsed: 40, heapTotal: 80, external: 7, arrayBuffers: 3, heapAfterFullGc: 25 });
    expect(isolateMemory(usage(40), undefined)).toEqual({ heapUsed: 40, heapTotal: 80, external: 7, arrayBuffers: 3 });
  });
});
