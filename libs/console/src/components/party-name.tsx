import { languageOfCountry, useApp } from '../app-context';

/** A party by its name in English and in its own language (with the right `lang`). */
export function PartyName(props: { code: string; testId?: string }) {
  const { party } = useApp();
  const found = party(props.code);
  if (found === undefined) return <span data-testid={props.testId}>{props.code}</span>;
  return (
    <span className="party" data-testid={props.testId}>
      <span lang="en">{found.name}</span>
      {found.localName !== '' && found.localName !== found.name && (
        <>
          {' · '}
          <span lang={languageOfCountry(found.country)}>{found.localName}</span>
        </>
      )}{' '}
      <span className="code">({found.code})</span>
    </span>
  );
}
