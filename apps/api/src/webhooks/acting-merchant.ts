import type { Principal } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';

/**
 * The merchant a webhooks or events request acts for. A merchant's key or user acts for its own merchant (a
 * `merchantId` naming another is refused); staff act for the merchant they name, which they must.
 */
export function actingMerchantId(principal: Principal, requested: string | undefined): string {
  if (principal.kind === 'api_key' || principal.merchantId) {
    const own = principal.merchantId as string;
    if (requested !== undefined && requested !== own) {
      throw ApiException.invalid('merchantId', 'merchantId must be your own merchant, or left out');
    }
    return own;
  }
  if (!requested) throw ApiException.invalid('merchantId', 'merchantId is required when staff act for a merchant');
  return requested;
}
