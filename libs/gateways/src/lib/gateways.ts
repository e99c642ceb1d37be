export function gateways(): string {
  return 'gateways';
}
