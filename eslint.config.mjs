// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', 'bench/results/', '.triplane/', '.serverless/', '.esbuild/', '.build/', 'coverage/', 'test-artifacts/'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Numbers in messages, keys and log lines are the house style (`partition ${partition}`); String() around each would be noise.
      // Every other option is spelled out: the rule's own defaults (unlike the strict preset's) allow any, nullish and more.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: false, allowAny: false, allowNullish: false, allowRegExp: false, allowNever: false, allowArray: false },
      ],
      // `(resolve) => setTimeout(resolve, ms)` and `.on('data', (m) => onBatch(m))` are how this code writes callbacks; braces would add nothing.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `const { mandatory: _m, ...rest } = options` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // @types/jest types its asymmetric matchers (expect.any, expect.stringContaining, ...) as any: every use inside an expected object trips this.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  // Plain JavaScript (jest's config and transform, this file) is outside the TypeScript project: lint it without types.
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked] },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    // CommonJS is what jest loads these files as.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
