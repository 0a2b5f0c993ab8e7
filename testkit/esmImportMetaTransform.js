/**
 * ts-jest for ES modules that read `import.meta.url` (@platformatic/kafka and its wasm-utils locate
 * files beside themselves with it): jest runs CommonJS, where `import.meta` is a syntax error, so the
 * expression becomes the CommonJS module's own file URL, which is what it means there, before ts-jest
 * compiles the module to CommonJS. A module-level `const require = createRequire(import.meta.url)`
 * would redeclare CommonJS' own `require`: it is renamed, and the module's `require(...)` calls get
 * CommonJS' require, which resolves from the same file.
 */
const { TsJestTransformer } = require('ts-jest');

const IMPORT_META_URL = /\bimport\.meta\.url\b/g;
const FILE_URL = "require('node:url').pathToFileURL(__filename).href";
const REQUIRE_DECLARATION = /\bconst require = /g;

module.exports = {
  createTransformer(options) {
    const tsJest = new TsJestTransformer(options);
    const rewrite = (source) => source.replace(REQUIRE_DECLARATION, 'const esmRequire = ').replace(IMPORT_META_URL, FILE_URL);
    return {
      canInstrument: false,
      getCacheKey: (source, path, config) => tsJest.getCacheKey(rewrite(source), path, config),
      process: (source, path, config) => tsJest.process(rewrite(source), path, config),
    };
  },
};
