import {
  EmptyListWhenAbsent,
  IsLanguageTag,
  IsText,
  IsUuid,
  NestedList,
} from '../referral/field-rules';
import { LIMITS } from '../referral/limits';
import { AttachmentDto } from './attachment.dto';

/** Body of `POST /v1/referrals/{id}/messages`: a case message to the counterpart officer. */
export class PostMessageBody {
  /** The language the message is written in, as a BCP 47 tag, e.g. `lo`, `vi`, `en`. */
  @IsLanguageTag()
  language!: string;

  /** The message text (NFC), at most 8000 characters. */
  @IsText(LIMITS.longText)
  body!: string;

  /** Files attached to the message, described by name, type, size and hash; may be empty. */
  @EmptyListWhenAbsent()
  @NestedList(() => AttachmentDto, { max: 20 })
  attachments: AttachmentDto[] = [];
}

/** The `data` of `mrh.message.posted.v1`: a case message on a referral. */
export class MessagePostedData extends PostMessageBody {
  /** The referral the message belongs to (also the event's `subject`). */
  @IsUuid()
  referralId!: string;

  /** The message's own id, unique across the hub. */
  @IsUuid()
  messageId!: string;

  /** Who wrote it: the officer's name or identifier in their agency (the party is the source). */
  @IsText(LIMITS.name)
  author!: string;
}
