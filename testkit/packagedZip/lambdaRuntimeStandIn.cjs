'use strict';
/**
 * Stands in for Lambda's nodejs22.x runtime for one invocation, in a child process of the packaged-zip
 * test: loads the handler from the unpacked zip (LAMBDA_TASK_ROOT) as the runtime interface client does
 * (aws-lambda-nodejs-runtime-interface-client, src/UserFunction.js: the file without extension, then
 * `.js` by require unless the nearest package.json says "type": "module", then `.mjs` by import, then
 * `.cjs`), invokes it once with the event and context the test wrote, and writes what happened.
 * Then, as Lambda does before it ends an environment, it sends the process SIGTERM when the code
 * listens for it; after that the process must end by itself, with nothing left open.
 *
 * Plain CommonJS with Node's built-ins only: it runs under the Node 22 of tools/node22, with no
 * node_modules anywhere, so whatever the handler needs must come from the zip.
 *
 * argv: handler string (functions/x/handler.handler), request file ({event, context, timeoutMs}), result file.
 */
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');
const { performance } = require('node:perf_hooks');

const [handlerString, requestFile, resultFile] = process.argv.slice(2);
const taskRoot = process.env.LAMBDA_TASK_ROOT;

function typeModuleAbove(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const manifest = join(folder, 'package.json');
  if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
  return folder === '/' ? false : typeModuleAbove(resolve(folder, '..'));
}

async function loadModule(file) {
  if (existsSync(file)) return require(file);
  const typeModule = existsSync(`${file}.js`) && typeModuleAbove(dirname(`${file}.js`));
  if (!typeModule && existsSync(`${file}.js`)) return require(`${file}.js`);
  if (typeModule && existsSync(`${file}.js`)) return import(pathToFileURL(`${file}.js`).href);
  if (existsSync(`${file}.mjs`)) return import(pathToFileURL(`${file}.mjs`).href);
  if (existsSync(`${file}.cjs`)) return require(`${file}.cjs`);
  throw new Error(`Runtime.ImportModuleError: Cannot find module '${file}'`);
}

async function main() {
  const match = /^(.*\/)?([^./]+)\.(.+)$/.exec(handlerString ?? '');
  if (taskRoot === undefined || match === null) throw new Error('usage: LAMBDA_TASK_ROOT=dir node lambdaRuntimeStandIn.cjs module.handler request.json result.json');
  const [, moduleRoot = '', moduleName, handlerPath] = match;
  const request = JSON.parse(readFileSync(requestFile, 'utf8'));
  const initStarted = performance.now();
  const loaded = await loadModule(resolve(taskRoot, moduleRoot, moduleName));
  const handler = handlerPath.split('.').reduce((nested, key) => nested?.[key], loaded);
  if (typeof handler !== 'function') throw new Error(`Runtime.HandlerNotFound: ${handlerString} is not a function`);
  const initMs = performance.now() - initStarted;
  const deadline = Date.now() + request.timeoutMs;
  const context = { ...request.context, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  const invokeStarted = performance.now();
  let outcome;
  try {
    outcome = { ok: true, value: await handler(request.event, context) };
  } catch (error) {
    outcome = { ok: false, error: { name: error?.name, message: error?.message, stack: error?.stack } };
  }
  writeFileSync(resultFile, JSON.stringify({ ...outcome, initMs, invokeMs: performance.now() - invokeStarted, returnedAt: Date.now(), closesOnSigterm: process.listenerCount('SIGTERM') > 0 }));
  if (process.listenerCount('SIGTERM') > 0) process.kill(process.pid, 'SIGTERM');
}

main().catch((error) => {
  writeFileSync(resultFile, JSON.stringify({ ok: false, initFailed: true, error: { name: error?.name, message: error?.message, stack: error?.stack } }));
  process.exitCode = 1;
});
