import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

const MAX_IMPORT_ID = 2_147_483_647;

/** Path parameter → import id (a positive 32-bit integer, what the table's key holds), or 400 naming what was wrong. */
@Injectable()
export class ParseImportIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
    if (!(id >= 1 && id <= MAX_IMPORT_ID)) {
      throw new BadRequestException(`id must be a positive whole number, the one the import was created with; got "${String(value).slice(0, 40)}"`);
    }
    return id;
  }
}
