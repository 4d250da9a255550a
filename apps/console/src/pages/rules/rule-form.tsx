export function NewRulePage() {
  return <h1>NewRulePage</h1>;
}

export function EditRulePage() {
  return <h1>EditRulePage</h1>;
}
