/** One offending field of a refused request or event: where it is and what is wrong with it. */
export interface FieldError {
  /** Path into the JSON body, e.g. `person.names[0].script`; empty for the body itself. */
  path: string;
  message: string;
}
