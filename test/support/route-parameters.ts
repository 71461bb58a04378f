import type { INestApplication, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { RoutePermissions } from '../../src/auth/route-permissions';

/** Where an OpenAPI parameter is: the three kinds a route's code reads. */
export type ParameterPlace = 'path' | 'query' | 'header';

/** One route and the parameters its handler reads, from Nest's own metadata. */
export interface RouteParameters {
  /** `POST`, `GET` … */
  method: string;
  /** In OpenAPI's notation: `/v1/referrals/{id}`. */
  path: string;
  /** `ReferralsController.get`. */
  handler: string;
  /** `query:limit`, `header:if-match` (header names lower-cased: HTTP does not tell case apart). */
  parameters: string[];
}

/** One argument as `@Param()`, `@Query()`, `@Headers()` … store it under ROUTE_ARGS_METADATA. */
interface RouteArgument {
  index: number;
  data?: unknown;
}

/**
 * The path, query and header parameters each route of the running application reads: the path's
 * own `:names`, every named `@Param`/`@Query`/`@Headers`, and the properties of a `@Query()` DTO
 * class (those class-validator checks: the validation pipe refuses any other). A handler that
 * takes a whole query or header object without a class gets a parameter no document can declare:
 * what it reads cannot be known, so it cannot be documented. What a handler reads through
 * `@Req()` is not seen here.
 */
export function routeParametersOf(app: INestApplication): RouteParameters[] {
  const controllers = new Map<string, Type>();
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    if (wrapper.metatype) controllers.set(wrapper.metatype.name, wrapper.metatype as Type);
  }
  return app.get(RoutePermissions).routes.map((route) => {
    const [controllerName, methodName] = route.handler.split('.') as [string, string];
    const controller = controllers.get(controllerName);
    if (!controller) throw new Error(`no controller ${controllerName} for ${route.handler}`);
    const parameters = new Set(
      [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => `path:${name}`),
    );
    for (const name of readParameters(controller, methodName)) parameters.add(name);
    return {
      method: route.method,
      path: route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      handler: route.handler,
      parameters: [...parameters].sort(),
    };
  });
}

function readParameters(controller: Type, methodName: string): string[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodName) ?? {}) as Record<
    string,
    RouteArgument
  >;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, methodName) ??
    []) as unknown[];
  const read: string[] = [];
  for (const [key, argument] of Object.entries(args)) {
    const paramtype = Number(key.split(':')[0]);
    const place = PLACES.get(paramtype);
    if (place === undefined) continue;
    if (typeof argument.data === 'string') {
      read.push(`${place}:${place === 'header' ? argument.data.toLowerCase() : argument.data}`);
      continue;
    }
    // A whole object: the path's names are read from the route itself; a query needs its class.
    if (place === 'path') continue;
    const type = types[argument.index];
    const properties = typeof type === 'function' ? dtoProperties(type as Type) : [];
    if (place === 'header' || properties.length === 0) {
      // What the handler reads of it cannot be known, so it cannot be documented: reported as a
      // parameter no document declares.
      read.push(`${place}:(a whole ${place} object, without a class saying what is read)`);
      continue;
    }
    read.push(...properties.map((property) => `query:${property}`));
  }
  return read;
}

const PLACES = new Map<number, ParameterPlace>([
  [RouteParamtypes.PARAM, 'path'],
  [RouteParamtypes.QUERY, 'query'],
  [RouteParamtypes.HEADERS, 'header'],
]);

/** The properties class-validator checks on `type` (and its parents). */
function dtoProperties(type: Type): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}
