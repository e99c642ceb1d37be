import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router } from '@angular/router';
import type { MerchantView } from '@lsp/contracts';
import { AuthService } from '../../core/auth/auth.service';
import { MerchantsApiService } from '../merchants/merchants-api.service';
import { ApiKeysPanel } from './api-keys-panel';
import type { DeveloperScope } from './developer-api.service';
import { EventLogPanel } from './event-log-panel';
import { UsagePanel } from './usage-panel';
import { WebhookEndpointsPanel } from './webhook-endpoints-panel';

export const DEVELOPER_TABS = ['keys', 'webhooks', 'events', 'usage'] as const;
export type DeveloperTab = (typeof DEVELOPER_TABS)[number];

const TAB_LABELS: Record<DeveloperTab, string> = {
  keys: 'API keys',
  webhooks: 'Webhooks',
  events: 'Event log',
  usage: 'Usage',
};

const MERCHANT_ID = /^mer_[0-9A-Z]{26}$/;

/**
 * The developer area. A merchant user sees its own merchant; staff pick a merchant (kept in `?merchantId=` so a
 * link opens the same view) and see what the admin routes allow them: keys, endpoints, events and usage — not
 * regeneration or the test event, which API.md §9 keeps for the merchant's own users.
 */
@Component({
  selector: 'app-developer-page',
  imports: [ApiKeysPanel, EventLogPanel, UsagePanel, WebhookEndpointsPanel],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header class="page-header">
      <div>
        <h1>Developers</h1>
        <p class="page-subtitle">API keys, webhooks, the event log and API usage.</p>
      </div>
      @if (isStaff()) {
        <div class="field field-inline">
          <label for="developer-merchant">Merchant</label>
          <select
            id="developer-merchant"
            data-testid="developer-merchant"
            #merchant
            (change)="pickMerchant(merchant.value)"
          >
            <option value="">Choose a merchant…</option>
            @for (m of merchants(); track m.id) {
              <option [value]="m.id" [selected]="m.id === pickedMerchantId()">{{ m.name }} ({{ m.id }})</option>
            }
          </select>
        </div>
      }
    </header>

    @if (scope(); as current) {
      <nav class="tabs" role="tablist" aria-label="Developer sections">
        @for (tab of tabs; track tab) {
          <button
            type="button"
            role="tab"
            class="tab"
            [class.tab-active]="tab === activeTab()"
            [attr.aria-selected]="tab === activeTab()"
            [attr.data-testid]="'developer-tab-' + tab"
            (click)="selectTab(tab)"
          >
            {{ labels[tab] }}
          </button>
        }
      </nav>
      @switch (activeTab()) {
        @case ('keys') {
          <app-api-keys-panel [scope]="current" [canRegenerate]="isMerchantUser()" [canRevoke]="canRevokeKeys()" />
        }
        @case ('webhooks') {
          <app-webhook-endpoints-panel
            [scope]="current"
            [canManage]="canManageWebhooks()"
            [canTest]="isMerchantUser()"
          />
        }
        @case ('events') {
          <app-event-log-panel [scope]="current" [canRedeliver]="canManageWebhooks()" />
        }
        @case ('usage') {
          <app-usage-panel [scope]="current" />
        }
      }
    } @else {
      <p class="muted" data-testid="developer-pick-merchant">Choose a merchant to see its developer area.</p>
    }
  `,
  styles: `
    .tabs {
      display: flex;
      gap: 0.25rem;
      border-bottom: 1px solid #d0d7e2;
      margin-bottom: 1rem;
    }
    .tab {
      background: none;
      border: none;
      border-bottom: 2px solid transparent;
      padding: 0.5rem 0.9rem;
      cursor: pointer;
      font: inherit;
    }
    .tab-active {
      border-bottom-color: #1d5bd8;
      font-weight: 600;
    }
  `,
})
export class DeveloperPage {
  private readonly auth = inject(AuthService);
  private readonly merchantsApi = inject(MerchantsApiService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly labels = TAB_LABELS;
  protected readonly isMerchantUser = computed(() => this.auth.hasAnyRole(['merchant']));
  protected readonly isStaff = computed(() => !this.isMerchantUser());
  protected readonly canManageWebhooks = computed(() => this.auth.can('manageWebhooks'));
  protected readonly canRevokeKeys = computed(() => this.auth.can('revokeApiKeys'));
  protected readonly tabs = DEVELOPER_TABS;

  protected readonly merchants = signal<MerchantView[]>([]);
  protected readonly pickedMerchantId = signal<string | null>(null);
  protected readonly activeTab = signal<DeveloperTab>('keys');

  protected readonly scope = computed<DeveloperScope | null>(() => {
    if (this.isMerchantUser()) {
      return { merchantId: null };
    }
    const picked = this.pickedMerchantId();
    return picked ? { merchantId: picked } : null;
  });

  constructor() {
    this.route.queryParamMap.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((params) => {
      const merchantId = params.get('merchantId');
      this.pickedMerchantId.set(merchantId && MERCHANT_ID.test(merchantId) ? merchantId : null);
      const tab = params.get('tab');
      if (tab && (DEVELOPER_TABS as readonly string[]).includes(tab)) {
        this.activeTab.set(tab as DeveloperTab);
      }
    });
    if (this.isStaff()) {
      this.merchantsApi
        .list({ limit: 100 })
        .pipe(takeUntilDestroyed(this.destroyRef))
        .subscribe({ next: (page) => this.merchants.set(page.data), error: () => undefined });
    }
  }

  protected pickMerchant(merchantId: string): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { merchantId: merchantId || null },
      queryParamsHandling: 'merge',
    });
  }

  protected selectTab(tab: DeveloperTab): void {
    this.activeTab.set(tab);
    void this.router.navigate([], { relativeTo: this.route, queryParams: { tab }, queryParamsHandling: 'merge' });
  }
}
