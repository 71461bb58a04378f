import { DOCUMENT_TYPES, type DocumentType } from './code-lists';
import { IsCode, IsCountryCode, IsText } from './field-rules';
import { LIMITS } from './limits';

/** An identity or travel document a person holds or held. */
export class IdentityDocumentDto {
  /** Kind of document, one of {@link DOCUMENT_TYPES}. */
  @IsCode(DOCUMENT_TYPES)
  type!: DocumentType;

  /** The document's number exactly as printed on it. */
  @IsText(LIMITS.reference)
  number!: string;

  /** ISO 3166-1 alpha-2 code of the issuing country, e.g. `VN`. */
  @IsCountryCode()
  issuingCountry!: string;
}
