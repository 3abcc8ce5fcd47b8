import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'artifacts/',
      'cache/',
      'chain/typechain/',
      'coverage/',
      'dist/',
      'bench/results/',
      'workflows/*/build/',
      '**/__snapshots__/',
      '**/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='parseFloat']",
          message: 'Amounts are integers: parse with bigint or the exact decimal helpers, never parseFloat.',
        },
      ],
    },
  },
  {
    // Plain-JavaScript launchers run by Node (no TypeScript, so no type-aware globals).
    files: ['scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
)
