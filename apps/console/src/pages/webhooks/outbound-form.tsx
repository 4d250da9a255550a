export function NewOutboundPage() {
  return <h1>NewOutboundPage</h1>;
}

export function EditOutboundPage() {
  return <h1>EditOutboundPage</h1>;
}
