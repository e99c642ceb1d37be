export function queues(): string {
  return 'queues';
}
