import { SetMetadata } from '@nestjs/common';
import type { Permission } from './permissions';

export const REQUIRED_PERMISSION = 'mrh:permission';

/**
 * Declares the action of `ACTIONS` (permissions.ts) a route performs. The global guard refuses (403) a
 * caller none of whose roles grants it, and the hub refuses to start while any route declares
 * neither this nor `@Public()`. Which referrals the grant reaches is the service's to apply.
 */
export const RequirePermission = (permission: Permission): MethodDecorator =>
  SetMetadata(REQUIRED_PERMISSION, permission);
