import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { importJWK, type JWK } from 'jose';
import { MasterKeyRing } from '../../../src/vault/master-key-ring';
import { NaiveReferral, NaiveReferralKey } from './naive-referral.entity';
import {
  ISSUER_KEY,
  MASTER_KEYS,
  NAIVE_KAFKA,
  NaiveSubmitController,
} from './naive-submit.controller';

/**
 * `node --import tsx scripts/bench/naive/naive-main.ts --database-url … --brokers … --port …
 * --issuer-key <public jwk file> --master-key <jwk file>`: the naive submit endpoint of the benchmark, on the same HTTP
 * stack as the hub (Nest on Fastify) and the same pool size, as its own process.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      brokers: { type: 'string' },
      port: { type: 'string' },
      'issuer-key': { type: 'string' },
      'master-key': { type: 'string' },
      'pool-size': { type: 'string', default: '10' },
    },
  });
  const databaseUrl = values['database-url'];
  const brokers = values.brokers;
  const issuerKeyFile = values['issuer-key'];
  const masterKeyFile = values['master-key'];
  if (!databaseUrl || !brokers || !values.port || !issuerKeyFile || !masterKeyFile) {
    throw new Error(
      '--database-url, --brokers, --port, --issuer-key and --master-key are required',
    );
  }
  const issuerKey = await importJWK(
    JSON.parse(readFileSync(issuerKeyFile, 'utf8')) as JWK,
    'EdDSA',
  );

  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: databaseUrl,
        poolSize: Number(values['pool-size']),
        entities: [NaiveReferral, NaiveReferralKey],
        synchronize: false,
      }),
      TypeOrmModule.forFeature([NaiveReferral, NaiveReferralKey]),
      ClientsModule.register([
        {
          name: NAIVE_KAFKA,
          transport: Transport.KAFKA,
          options: {
            client: { clientId: 'naive-submit', brokers: brokers.split(',') },
            producerOnlyMode: true,
            producer: { allowAutoTopicCreation: false },
          },
        },
      ]),
    ],
    controllers: [NaiveSubmitController],
    providers: [
      { provide: ISSUER_KEY, useValue: issuerKey },
      { provide: MASTER_KEYS, useValue: MasterKeyRing.fromFile(masterKeyFile) },
    ],
  })
  class NaiveModule {}

  const app = await NestFactory.create<NestFastifyApplication>(NaiveModule, new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen({ port: Number(values.port), host: '127.0.0.1' });
}

main().catch((error: unknown) => {
  process.stderr.write(`naive-submit: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
