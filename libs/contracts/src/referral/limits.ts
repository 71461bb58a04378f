/**
 * Upper bounds on the size of every text and list of the contract, so that a hostile or broken
 * sender cannot make the hub store (and forward to partners) megabytes per referral. Lengths
 * count characters as class-validator's `MaxLength` does (a surrogate pair counts once).
 */
export const LIMITS = {
  /** Codes: party, checkpoint, offence and error codes. */
  code: 64,
  /** References and identifiers chosen by people: case numbers, document numbers. */
  reference: 100,
  /** A part of a person's name, an alias, a place, an agency, a file name. */
  name: 200,
  /** A short free text: a relationship, contact details, an event-rejection field message. */
  shortText: 500,
  /** A long free text: summary, evidence summary, question, note, reason. */
  text: 4000,
  /** An answer to an information request or a case message body. */
  longText: 8000,
  /** The signed audit checkpoint note. */
  checkpointNote: 16_000,
} as const;
