/**
 * `GET /api/v1/admin/analytics/overview?from=&to=&merchantId=&granularity=`. Every figure comes from hourly
 * rollups: a bucket counts when its hour starts in `[from, to)`. Money is per currency, in minor units.
 */
export interface AnalyticsOverview {
  from: string;
  to: string;
  merchantId: string | null;
  granularity: 'hour' | 'day';
  /** Payments that reached an outcome, per currency. */
  totals: { currency: string; count: number; volume: number; capturedCount: number; capturedVolume: number }[];
  byStatus: { status: 'captured' | 'failed' | 'cancelled'; currency: string; count: number; volume: number }[];
  /** captured / (captured + failed); null without outcomes. Gateway '' = the payment reached none. */
  successRateByGateway: SuccessRate<'gateway'>[];
  successRateByMethod: SuccessRate<'method'>[];
  refunds: { currency: string; count: number; amount: number }[];
  /** Platform revenue; from the ledger once it exists, until then `available: false` and zero. */
  commission: { available: boolean; amounts: { currency: string; amount: number }[] };
  /** p95 of the latency of the gateway call that decided each payment, from a histogram (upper bucket bound). */
  latency: { p95Ms: number | null; byGateway: { gateway: string; p95Ms: number | null }[] };
  series: { at: string; currency: string; count: number; volume: number; captured: number; failed: number }[];
}

export type SuccessRate<K extends string> = { [key in K]: string } & {
  captured: number;
  failed: number;
  successRate: number | null;
};
