// A benchmark worker thread's entry: Node starts workers from JavaScript, so this registers tsx (as the
// runtime's function workers do) before loading the TypeScript worker.
require('tsx/cjs/api').register();
require('./benchmarkWorker.ts');
