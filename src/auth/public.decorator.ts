import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'mrh:public';

/** Marks a controller or route that needs no token (health probes only). */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC, true);
