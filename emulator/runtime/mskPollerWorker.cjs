// The poller thread's entry: Node starts workers from JavaScript, so this registers tsx (as
// functionWorker.cjs does) before loading the TypeScript poller.
require('tsx/cjs/api').register();
require('./mskPollerWorker.ts');
