import { Controller, Get, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Public } from './public.decorator';
import { RequirePermission } from './require-permission.decorator';
import { RoutePermissions, routeRulesOf, UndeclaredRouteError } from './route-permissions';

@Controller('referrals')
class Declared {
  @Get(':id')
  @RequirePermission('referral.read-metadata')
  one(): void {}

  @Post()
  @RequirePermission('referral.create')
  create(): void {}

  /** Not a route: no method metadata. */
  helper(): void {}
}

@Public()
@Controller('health')
class Probes {
  @Get('live')
  live(): void {}

  @Get('elsewhere')
  elsewhere(): void {}
}

@Controller('audit')
class Forgotten {
  @Get('secrets')
  secrets(): void {}
}

@Controller()
class Confused {
  @Get('both')
  @Public()
  @RequirePermission('audit.verify')
  both(): void {}
}

describe(routeRulesOf.name, () => {
  it('lists each route as served, with the action it declares', () => {
    expect(routeRulesOf([Declared, Probes])).toEqual([
      { method: 'GET', path: '/health/live', handler: 'Probes.live', access: 'public' },
      {
        method: 'GET',
        path: '/v1/health/elsewhere',
        handler: 'Probes.elsewhere',
        access: 'public',
      },
      {
        method: 'POST',
        path: '/v1/referrals',
        handler: 'Declared.create',
        access: 'referral.create',
      },
      {
        method: 'GET',
        path: '/v1/referrals/:id',
        handler: 'Declared.one',
        access: 'referral.read-metadata',
      },
    ]);
  });

  it('names every route that declares nothing', () => {
    expect(() => routeRulesOf([Declared, Forgotten])).toThrow(UndeclaredRouteError);
    expect(() => routeRulesOf([Declared, Forgotten])).toThrow(
      /GET \/v1\/audit\/secrets \(Forgotten\.secrets\): no @RequirePermission/,
    );
  });

  it('refuses a route that is both public and guarded', () => {
    expect(() => routeRulesOf([Confused])).toThrow(/Confused\.both\): both @Public\(\)/);
  });
});

describe(RoutePermissions.name, () => {
  it('stops the application from starting while a route declares nothing', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      controllers: [Declared, Forgotten],
      providers: [RoutePermissions],
    }).compile();

    await expect(moduleRef.init()).rejects.toThrow(/Forgotten\.secrets/);
  });

  it('knows the routes of an application where every one declares its access', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      controllers: [Declared],
      providers: [RoutePermissions],
    }).compile();
    await moduleRef.init();

    expect(moduleRef.get(RoutePermissions).routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/referrals',
      'GET /v1/referrals/:id',
    ]);
    await moduleRef.close();
  });
});
