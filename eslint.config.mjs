// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import layerTable from './docs/layers.json' with { type: 'json' };

/**
 * The layers of src/ (decision 0015, table in docs/layers.json): a folder imports only folders
 * of its own layer or below, and a feature reaches another feature (or the referrals domain) only
 * through that folder's module file, its public surface. kafkajs stays inside src/kafka.
 */
function layerRules() {
  const levelOf = new Map(
    layerTable.layers.flatMap((layer, level) => layer.folders.map((f) => [f, level])),
  );
  const surfaced = new Set(
    layerTable.layers
      .filter((layer) => layerTable.publicSurface.includes(layer.name))
      .flatMap((layer) => layer.folders),
  );
  return [...levelOf].map(([folder, level]) => {
    const patterns = [];
    for (const [other, otherLevel] of levelOf) {
      if (other === folder) continue;
      const upward = otherLevel > level;
      if (upward) {
        patterns.push({
          regex: `^(\\.\\./)+${other}/`,
          message: `${folder} (layer ${layerTable.layers[level].name}) may not import ${other} (layer ${layerTable.layers[otherLevel].name}): see docs/decisions/0015.`,
        });
      } else if (surfaced.has(other)) {
        patterns.push({
          regex: `^(\\.\\./)+${other}/(?!${other}\\.module$)`,
          message: `Use ${other}'s public surface, ${other}/${other}.module, not its internals.`,
        });
      }
    }
    if (folder !== 'kafka') {
      patterns.push({
        group: ['kafkajs'],
        message: 'kafkajs stays inside src/kafka (decision 0004): use KafkaGateway.',
      });
    }
    return {
      files: [`src/${folder}/**/*.ts`],
      ignores: ['**/*.spec.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    };
  });
}

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'coverage/',
      '.cache/',
      '.dev/',
      '.scratch/',
      'artifacts/',
      'node_modules/',
      '*.config.js',
      '*.config.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // Nest's option types are classes; passing literals for them is how Nest is used.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Nest modules are classes with only decorators and static factories.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (house style).' },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      // supertest bodies are untyped JSON; asserting on them is the point of the test.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      // afterAll guards (`app?.close()`) matter when beforeAll failed half-way.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The web console runs in browsers (the type checker knows the DOM; these are for plain-JS
    // rules), and Vite reads its config's default export.
    files: ['libs/console/**/*.{ts,tsx}'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'navigator',
          'localStorage',
          'fetch',
          'EventSource',
          'crypto',
          'atob',
          'btoa',
          'URL',
          'URLSearchParams',
          'TextEncoder',
          'TextDecoder',
          'DOMException',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['libs/console/vite.config.mts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // CommonJS preloads (`node --require`, e.g. scripts/bench/sql-trace.cjs) run in the process
    // under test before anything is compiled, so they stay plain JavaScript: no TypeScript project
    // covers them, so the type-checked rules cannot run there; the plain ones still do.
    files: ['**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: Object.fromEntries(
        ['require', 'module', 'process', 'Buffer', 'performance'].map((name) => [name, 'readonly']),
      ),
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      // `require` is how CommonJS imports.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  ...layerRules(),
  prettier,
);
