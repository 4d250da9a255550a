export function InboundDetailPage() {
  return <h1>InboundDetailPage</h1>;
}
