// A filter expression the analyst typed could not be understood: the error names the offending
// token and where it is, so the filter bar can underline it.
import type { FilterErrorInfo } from '../../../shared/query';
import { NetsiftError } from '../../core/errors';

export class FilterError extends NetsiftError implements FilterErrorInfo {
  constructor(
    message: string,
    readonly offset: number,
    readonly length: number,
    readonly token: string,
  ) {
    super(message, 'input');
    this.name = 'FilterError';
  }

  toInfo(): FilterErrorInfo {
    return { message: this.message, offset: this.offset, length: this.length, token: this.token };
  }
}
