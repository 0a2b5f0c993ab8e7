/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // @middy/core v6 and @platformatic/kafka ship ES modules only; jest's CommonJS loader needs them transformed.
  transform: {
    // @platformatic/kafka reads import.meta.url, which CommonJS lacks: esmImportMetaTransform.js rewrites it first.
    '/node_modules/@platformatic/.+\\.js$': ['<rootDir>/testkit/esmImportMetaTransform.js', { tsconfig: { allowJs: true, isolatedModules: true }, diagnostics: { warnOnly: false } }],
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true }, diagnostics: { warnOnly: false } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/|@platformatic/)'],
  setupFiles: ['<rootDir>/testkit/localServicesEnv.ts'],
  setupFilesAfterEnv: ['<rootDir>/testkit/closeSharedClients.ts'],
  testTimeout: 30000,
};
