import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ROUTE_URLS } from '../../core/routes';

/** Opens the audit log filtered to one object: what was done to it, by whom, and when. */
@Component({
  selector: 'app-audit-link',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<a
    class="audit-link"
    [routerLink]="auditLogUrl"
    [queryParams]="{ objectType: objectType(), objectId: objectId() }"
    [attr.aria-label]="'Audit history of ' + objectType() + ' ' + objectId()"
    data-testid="audit-link"
    >{{ label() }}</a
  >`,
})
export class AuditLink {
  readonly objectType = input.required<string>();
  readonly objectId = input.required<string>();
  readonly label = input('History');
  protected readonly auditLogUrl = ROUTE_URLS.auditLog;
}
