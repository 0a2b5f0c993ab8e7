// The ops sampler thread's entry: Node starts workers from JavaScript, so this registers tsx (as
// functionWorker.cjs does) before loading the TypeScript sampler.
require('tsx/cjs/api').register();
require('./opsSamplerWorker.ts');
