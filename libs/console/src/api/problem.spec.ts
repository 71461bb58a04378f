import {
  fieldId,
  isStaleChange,
  normalisePath,
  parentPath,
  placeFieldErrors,
  toProblem,
} from './problem';

describe('problem+json to field errors', () => {
  const fields = new Set([
    'to',
    'person.names',
    'person.names[0].given',
    'person.names[0].script',
    'victim.consent.dataSharing',
    'victim.guardian',
    'victim.guardian.name',
  ]);

  it('places an error beside the field its path names', () => {
    const placed = placeFieldErrors(
      [
        { path: 'person.names[0].given', message: 'must not be empty' },
        { path: 'victim.consent.dataSharing', message: 'must be true' },
      ],
      fields,
    );
    expect(placed.byField.get('person.names[0].given')).toEqual(['must not be empty']);
    expect(placed.byField.get('victim.consent.dataSharing')).toEqual(['must be true']);
    expect(placed.summary.map((s) => s.field)).toEqual([
      'person.names[0].given',
      'victim.consent.dataSharing',
    ]);
  });

  it('places an error without a field of its own at the nearest enclosing group', () => {
    const placed = placeFieldErrors(
      [
        { path: 'person.names', message: 'must include a name in Latin script (Latn)' },
        { path: 'victim.guardian.relationship', message: 'must be a string' },
        { path: 'person.names.1.family', message: 'too long' },
      ],
      fields,
    );
    expect(placed.byField.get('person.names')).toEqual([
      'must include a name in Latin script (Latn)',
      'too long',
    ]);
    expect(placed.byField.get('victim.guardian')).toEqual(['must be a string']);
  });

  it('keeps an error no field encloses for the summary only', () => {
    const placed = placeFieldErrors([{ path: 'repatriation', message: 'is required' }], fields);
    expect(placed.byField.size).toBe(0);
    expect(placed.summary).toEqual([{ path: 'repatriation', message: 'is required', field: null }]);
  });

  it('normalises class-validator paths and makes stable element ids', () => {
    expect(normalisePath('person.names.0.given')).toBe('person.names[0].given');
    expect(parentPath('person.names[0].given')).toBe('person.names[0]');
    expect(parentPath('person.names[0]')).toBe('person.names');
    expect(parentPath('to')).toBe('');
    expect(fieldId('person.names[0].given')).toBe('f-person-names-0-given');
  });

  it('reads a problem document defensively and recognises a stale change', () => {
    const problem = toProblem(412, {
      status: 412,
      code: 'version-mismatch',
      errors: [{ path: 'a', message: 'b' }, { path: 3 }],
    });
    expect(problem.errors).toEqual([{ path: 'a', message: 'b' }]);
    expect(isStaleChange(problem)).toBe(true);
    expect(isStaleChange(toProblem(409, { code: 'stale-state' }))).toBe(true);
    expect(isStaleChange(toProblem(409, { code: 'invalid-transition' }))).toBe(false);
    expect(toProblem(502, 'Bad gateway')).toEqual({ status: 502 });
  });
});
