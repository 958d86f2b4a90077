import { adminRoutes } from './admin.js';
import { publicRoutes } from './public.js';
import type { AnyRoute } from './route.js';
import { vcApiRoutes } from './vc-api.js';

/** The route table: routing, auth, OpenAPI, the docs page and the isolation tests all read it. */
export const ROUTES: readonly AnyRoute[] = [...vcApiRoutes, ...adminRoutes, ...publicRoutes];
