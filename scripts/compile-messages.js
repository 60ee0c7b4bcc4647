// Compiles messages/*.json into src/lib/paraglide (generated, git-ignored).
// Runs on npm install (prepare) and before start, test and check.
import { compile } from '@inlang/paraglide-js';
import { paraglideOptions } from '../i18n.config.js';

await compile(paraglideOptions);
