/** The body of a delivery (API.md §8). Built from the stored event, so every retry sends the same bytes. */
export interface WebhookEventBody {
  id: string;
  type: string;
  createdAt: string;
  data: { object: Record<string, unknown> };
}

export function webhookBody(event: {
  id: string;
  type: string;
  occurredAt: Date | string;
  object: Record<string, unknown>;
}): string {
  const body: WebhookEventBody = {
    id: event.id,
    type: event.type,
    createdAt: new Date(event.occurredAt).toISOString(),
    data: { object: event.object },
  };
  return JSON.stringify(body);
}
