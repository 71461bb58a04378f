import { useCallback, useMemo, useRef, useState } from 'react';
import { ApiError, placeFieldErrors, type PlacedErrors } from '../api/problem';
import type { FormApi } from '../components/fields';
import { setAt } from './paths';

/** Values, registered field paths and the hub's errors placed on them, for one form. */
export function useFormState<T>(initial: T, onEdit?: () => void) {
  const [value, setValue] = useState<T>(initial);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const fields = useRef(new Set<string>());
  const edited = useRef(onEdit);
  edited.current = onEdit;

  const set = useCallback((path: string, next: unknown) => {
    setValue((current) => setAt(current, path, next));
    edited.current?.();
  }, []);

  const placed: PlacedErrors = useMemo(
    () => placeFieldErrors(problem?.problem.errors ?? [], fields.current),
    // Fields register while rendering, so the set holds every field shown before the request.
    [problem],
  );

  const api: FormApi = {
    value,
    set,
    errors: placed.byField,
    register: (path) => {
      fields.current.add(path);
    },
  };
  return { value, setValue, set, api, problem, setProblem, placed };
}
