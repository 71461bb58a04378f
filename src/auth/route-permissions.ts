import { Injectable, RequestMethod, type OnModuleInit, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService } from '@nestjs/core';
import { servedPath } from '../common/api-prefix';
import { isPermission, type Permission } from './permissions';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_PERMISSION } from './require-permission.decorator';

/** One route of the HTTP API and what it takes to call it. */
export interface RouteRule {
  /** `GET`, `POST` … */
  method: string;
  /** As served, in Fastify's notation: `/v1/referrals/:id`. */
  path: string;
  /** `ReferralsController.get`: where to look. */
  handler: string;
  /** The action the caller needs, or `public` (no token at all). */
  access: Permission | 'public';
}

/** Some routes declare neither a permission nor `@Public()`: the hub must not start. */
export class UndeclaredRouteError extends Error {
  override readonly name = 'UndeclaredRouteError';
}

/**
 * The routes of `controllers` with their declared access, from the same Nest metadata the router
 * registers them by. Throws {@link UndeclaredRouteError} naming every route that declares
 * nothing (or an unknown action), so that a new route cannot slip in unguarded.
 */
export function routeRulesOf(controllers: readonly Type[]): RouteRule[] {
  const rules: RouteRule[] = [];
  const undeclared: string[] = [];
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    const classPaths = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
    const classPublic = Reflect.getMetadata(IS_PUBLIC, controller) === true;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
      if (!isRequestMethod(method)) continue;
      const verb = RequestMethod[method];
      const where = `${controller.name}.${name}`;
      const declared: unknown = Reflect.getMetadata(REQUIRED_PERMISSION, handler);
      const permission = isPermission(declared) ? declared : undefined;
      const isPublic = classPublic || Reflect.getMetadata(IS_PUBLIC, handler) === true;
      // Exactly one of @Public() and a permission; otherwise every path of the handler is named.
      let conflict: string | undefined;
      if (isPublic && permission !== undefined) conflict = 'both @Public() and a permission';
      if (!isPublic && permission === undefined) conflict = 'no @RequirePermission()';
      const methodPaths = pathsOf(Reflect.getMetadata(PATH_METADATA, handler));
      for (const classPath of classPaths) {
        for (const methodPath of methodPaths) {
          const path = servedPath(`${classPath}/${methodPath}`, method);
          if (conflict !== undefined) {
            undeclared.push(`${verb} ${path} (${where}): ${conflict}`);
          } else {
            rules.push({ method: verb, path, handler: where, access: permission ?? 'public' });
          }
        }
      }
    }
  }
  if (undeclared.length > 0) {
    throw new UndeclaredRouteError(
      `every route must declare who may call it (@RequirePermission(action) or @Public()):\n  ${undeclared.join('\n  ')}`,
    );
  }
  return rules.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

function isRequestMethod(metadata: unknown): metadata is RequestMethod {
  return typeof metadata === 'number' && metadata in RequestMethod;
}

function pathsOf(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata.map(String);
  return [typeof metadata === 'string' ? metadata : ''];
}

/**
 * The route list of the running application, checked when its modules initialise: a route that
 * declares no access stops start-up. The authorisation tests walk {@link routes}.
 */
@Injectable()
export class RoutePermissions implements OnModuleInit {
  private rules: readonly RouteRule[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.rules = routeRulesOf(
      this.discovery
        .getControllers()
        .flatMap((wrapper) => (wrapper.metatype ? [wrapper.metatype as Type] : [])),
    );
  }

  get routes(): readonly RouteRule[] {
    return this.rules;
  }
}
