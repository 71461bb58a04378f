import type { UiLanguage } from '../format/dates';
import { en, type TextKey } from './en';
import { lo } from './lo';

export type { TextKey };

export const DICTIONARIES: Record<UiLanguage, Record<TextKey, string>> = { en, lo };

/** The text of `key` in `language`, with `{name}` placeholders filled in. */
export function translate(
  language: UiLanguage,
  key: TextKey,
  values: Record<string, string | number> = {},
): string {
  const text = DICTIONARIES[language][key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** Namespaces of translated code values (statuses, types, exploitation types …). */
export type CodeList =
  | 'status'
  | 'type'
  | 'priority'
  | 'sex'
  | 'exploitation'
  | 'need'
  | 'recruitment'
  | 'suspectRole'
  | 'custody'
  | 'requestedAction'
  | 'document'
  | 'rejection'
  | 'step'
  | 'script'
  | 'language'
  | 'country'
  | 'role'
  | 'action'
  | 'consentBy'
  | 'msgState'
  | 'origin'
  | 'direction';

/** The label of a code value; the code itself when the dictionary has none (a newer code). */
export function codeLabel(language: UiLanguage, list: CodeList, code: string): string {
  const key = `${list}.${code}`;
  const dictionary = DICTIONARIES[language] as Record<string, string>;
  return dictionary[key] ?? code;
}

/** True when the dictionaries hold a label for a code. */
export function hasCodeLabel(list: CodeList, code: string): boolean {
  return `${list}.${code}` in en;
}
