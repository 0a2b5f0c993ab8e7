// The worker's entry: Node starts workers from JavaScript, so this registers tsx (as `tsx` does for
// `npm start`) before loading the TypeScript worker, whether the runtime runs under tsx or under jest.
require('tsx/cjs/api').register();
require('./functionWorker.ts');
