// Lint: typescript-eslint's recommended rules, plus Nx module boundaries enforced by project tags:
//   type:app        -> any lib (never another app)
//   type:feature    -> data-access, domain, platform, contracts
//   type:data-access-> platform, contracts
//   type:platform   -> platform, contracts
//   type:contracts  -> util only
//   type:util       -> nothing of ours (pure helpers any lib may use: text checks, cuts, globs)
//   type:testing / type:tooling -> what tests and tools need
//   type:client     -> nothing of ours (libs/client: the typed HTTP client, generated from docs/openapi.json; the console uses it)
// and by scope: a scope only uses its own libs and shared ones, so no app reads another app's tables.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  // examples/ are stand-alone projects with their own package.json and dependencies, outside the workspace.
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.daalu/**', '.nx/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    // Plain CommonJS scripts (jest config, the install check that runs before dependencies exist).
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:platform', 'type:contracts', 'type:util', 'type:client'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:platform', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:platform', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:tooling', 'type:testing', 'type:util'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:tooling', 'type:util'] },
            // Benchmarks drive the real code of any scope (e.g. the timeline's own query builder), never features.
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:tooling', 'type:domain', 'type:data-access', 'type:util'] },
            { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:ingest', 'scope:shared'] },
            { sourceTag: 'scope:timeline', onlyDependOnLibsWithTags: ['scope:timeline', 'scope:shared'] },
            { sourceTag: 'scope:rules', onlyDependOnLibsWithTags: ['scope:rules', 'scope:shared'] },
            { sourceTag: 'scope:outbound', onlyDependOnLibsWithTags: ['scope:outbound', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Tests may use the testing lib and contract fixtures wherever they live.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
