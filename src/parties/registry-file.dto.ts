import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { PARTY_CODE_PATTERN } from '@hub/contracts';

const COUNTRY = /^[A-Z]{2}$/;

/** Shape of `config/parties.json` → `hub`. */
export class HubIdentityDto {
  @Matches(COUNTRY)
  country!: string;

  @IsString()
  @IsNotEmpty()
  kafkaPrincipal!: string;

  @IsString()
  @IsNotEmpty()
  signingKeyFile!: string;
}

/** Shape of `config/parties.json` → `partnerSystems[]`: one system per partner country. */
export class PartnerSystemDto {
  @Matches(COUNTRY)
  country!: string;

  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsString()
  @IsNotEmpty()
  kafkaPrincipal!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  signingKeyFile?: string;

  /**
   * The system's witness key for the audit log: a file holding its C2SP cosigner verifier key
   * (`<name>+<key ID>+<base64(0x04 ‖ Ed25519 key)>`, one line). Absent: the country does not
   * witness the log.
   */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  witnessKeyFile?: string;
}

export class PartyNameDto {
  @IsString()
  @IsNotEmpty()
  en!: string;

  @IsString()
  @IsNotEmpty()
  local!: string;
}

/** Shape of `config/parties.json` → `parties[]`. */
export class PartyDto {
  @Matches(PARTY_CODE_PATTERN, { message: 'must be a party code like LA-BOKEO-POLICE' })
  code!: string;

  @Matches(COUNTRY)
  country!: string;

  @ValidateNested()
  @Type(() => PartyNameDto)
  name!: PartyNameDto;

  @IsIn(['http', 'kafka'])
  channel!: 'http' | 'kafka';
}

/** The whole `config/parties.json`. */
export class PartiesFileDto {
  @ValidateNested()
  @Type(() => HubIdentityDto)
  hub!: HubIdentityDto;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PartnerSystemDto)
  partnerSystems!: PartnerSystemDto[];

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PartyDto)
  parties!: PartyDto[];
}

export class CheckpointDto {
  @Matches(/^[A-Z]{2}-[A-Z]{2}-[A-Z0-9]+$/, { message: 'must be a code like LA-TH-FB4' })
  code!: string;

  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsArray()
  @ArrayMinSize(2)
  @Matches(COUNTRY, { each: true })
  countries!: string[];
}

/** The whole `config/checkpoints.json`. */
export class CheckpointsFileDto {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CheckpointDto)
  checkpoints!: CheckpointDto[];
}
