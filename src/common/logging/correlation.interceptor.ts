import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { correlationStorage } from './correlation';

/**
 * Runs each handler inside the request's correlation context, so every log line written while
 * serving it (services, repositories, Kafka calls) carries the same correlation id.
 */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return new Observable((subscriber) =>
      correlationStorage.run({ correlationId: request.id }, () =>
        next.handle().subscribe(subscriber),
      ),
    );
  }
}
