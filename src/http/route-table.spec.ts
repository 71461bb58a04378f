import { RouteTable } from './route-table';

describe(RouteTable.name, () => {
  const table = new RouteTable();
  table.add(['GET', 'HEAD'], '/v1/referrals');
  table.add('POST', '/v1/referrals');
  table.add('GET', '/v1/referrals/:id');
  table.add('POST', '/v1/referrals/:id/:action');
  table.add('GET', '/docs/*');

  it('lists the methods of the routes a concrete path matches', () => {
    expect(table.allowedMethods('/v1/referrals')).toEqual(['GET', 'HEAD', 'POST']);
    expect(table.allowedMethods('/v1/referrals/abc')).toEqual(['GET']);
    expect(table.allowedMethods('/v1/referrals/abc/withdraw')).toEqual(['POST']);
    expect(table.allowedMethods('/docs/swagger-ui.css')).toEqual(['GET']);
  });

  it('knows no methods for a path no route matches', () => {
    expect(table.allowedMethods('/v1/nothing')).toEqual([]);
    expect(table.allowedMethods('/v1/referrals/a/b/c')).toEqual([]);
  });

  it('treats route text literally, not as a pattern', () => {
    const dotted = new RouteTable();
    dotted.add('GET', '/v1/stats.csv');

    expect(dotted.allowedMethods('/v1/statsXcsv')).toEqual([]);
    expect(dotted.allowedMethods('/v1/stats.csv')).toEqual(['GET']);
  });
});
