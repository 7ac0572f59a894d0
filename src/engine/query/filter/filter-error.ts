// A filter expression the analyst typed could not be understood: the error names the offending
// token and where it is (offset/length, for the filter bar to underline it; and the column in the
// message, for the command line, which has nothing to underline).
import type { FilterErrorInfo } from '../../../shared/query';
import { NetsiftError } from '../../core/errors';

export class FilterError extends NetsiftError implements FilterErrorInfo {
  constructor(
    message: string,
    readonly offset: number,
    readonly length: number,
    readonly token: string,
  ) {
    super(`${message} (column ${offset + 1})`, 'input');
    this.name = 'FilterError';
  }

  toInfo(): FilterErrorInfo {
    return { message: this.message, offset: this.offset, length: this.length, token: this.token };
  }
}
