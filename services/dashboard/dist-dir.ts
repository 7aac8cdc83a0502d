import { fileURLToPath } from 'node:url';

/** Where `npm run build -w @netfleet/dashboard` puts the built page (the API serves it at /). */
export const dashboardDistDir = fileURLToPath(new URL('./dist/', import.meta.url));
