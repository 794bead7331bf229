// ESLint: Mol*'s configuration (molstar's eslint.config.mjs), with indentation switched on: 4 spaces
// everywhere. Mol* lints with type information (parserOptions.project); none of its rules needs it, so
// acelens parses without, which keeps `npm run lint` quick.
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import typescriptEslint from '@typescript-eslint/eslint-plugin';
import tsParser from '@typescript-eslint/parser';

export default defineConfig([{
    ignores: [
        'node_modules/*',
        'lib/*',
        'dist/*',
        'test/e2e/output/*',
        'tools/dft/work/*',
        '.ci/out/*',
        '.peers-build/**',
        'test/e2e/output/**',
    ],
}, {
    languageOptions: {
        globals: {
            ...globals.browser,
            ...globals.node,
        },
        ecmaVersion: 2022,
        sourceType: 'module',
        parserOptions: {
            ecmaFeatures: {
                impliedStrict: true,
            },
        },
    },
    rules: {
        // Mol*: "indent": "off"; acelens: 4 spaces everywhere
        indent: ['error', 4, { SwitchCase: 1 }],
        'arrow-parens': ['off', 'as-needed'],
        'brace-style': ['error', '1tbs', {
            allowSingleLine: true,
        }],
        'comma-spacing': 'off',
        'space-infix-ops': 'off',
        'comma-dangle': 'off',
        quotes: ['warn', 'single', { 'allowTemplateLiterals': true, 'avoidEscape': true }],
        eqeqeq: ['error', 'smart'],
        'import/order': 'off',
        'no-eval': 'warn',
        'no-extend-native': 'warn',
        'no-new-wrappers': 'warn',
        'no-trailing-spaces': 'error',
        'no-unsafe-finally': 'warn',
        'no-self-compare': 'warn',
        'no-var': 'error',
        'spaced-comment': 'error',
        semi: 'warn',
        'no-restricted-syntax': ['error', {
            selector: 'ExportDefaultDeclaration',
            message: 'Default exports are not allowed',
        }],
        'no-throw-literal': 'error',
        'key-spacing': 'error',
        'object-curly-spacing': ['error', 'always'],
        'array-bracket-spacing': 'error',
        'space-in-parens': 'error',
        'computed-property-spacing': 'error',
        'prefer-const': ['error', {
            destructuring: 'all',
            ignoreReadBeforeAssign: false,
        }],
        'space-before-function-paren': 'off',
        'func-call-spacing': 'off',
        'no-multi-spaces': 'error',
        'block-spacing': 'error',
        'keyword-spacing': 'warn',
        'space-before-blocks': 'error',
        'semi-spacing': 'error',
        'no-constant-binary-expression': 'error',
    },
}, {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: {
        '@typescript-eslint': typescriptEslint,
    },
    languageOptions: {
        parser: tsParser,
        sourceType: 'module',
    },
    rules: {
        '@typescript-eslint/prefer-namespace-keyword': 'warn',
    },
}, {
    // configuration files and vitest global setups export default by convention
    files: ['*.config.ts', '*.config.mjs', 'test/**/*setup.ts'],
    rules: { 'no-restricted-syntax': 'off' },
}]);
