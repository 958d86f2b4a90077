import { adminRoutes } from './admin.js';
import { logRoutes } from './log.js';
import { publicRoutes } from './public.js';
import type { AnyRoute } from './route.js';
import { statusRoutes } from './status.js';
import { vcApiRoutes } from './vc-api.js';

/** The route table: routing, auth, OpenAPI, the docs page and the isolation tests all read it. */
export const ROUTES: readonly AnyRoute[] = [
  ...vcApiRoutes,
  ...statusRoutes,
  ...logRoutes,
  ...adminRoutes,
  ...publicRoutes,
];
