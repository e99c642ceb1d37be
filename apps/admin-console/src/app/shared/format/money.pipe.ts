import { LOCALE_ID, Pipe, type PipeTransform, inject } from '@angular/core';
import { formatMinorUnits } from './money';

/** `{{ payment.amount | money: payment.currency }}`: minor units shown in the payment's own currency. */
@Pipe({ name: 'money' })
export class MoneyPipe implements PipeTransform {
  private readonly locale = inject(LOCALE_ID);

  transform(amount: number | null | undefined, currency: string): string {
    return amount === null || amount === undefined ? '—' : formatMinorUnits(amount, currency, this.locale);
  }
}
