// Writes docs/errors.md from the error table (shared/errors/src/error-codes.ts) and its prose catalog (error-docs.json).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderErrorsDoc } from '@netfleet/errors/errors-doc';

writeFileSync(fileURLToPath(new URL('../docs/errors.md', import.meta.url)), renderErrorsDoc());
