/**
 * Sets a form's hidden control and tells the form, as if the person had typed it: how builders
 * (conditions, actions, week grids, placeholders) hand their value to a FormController, which
 * takes it like any other input. JSON fields pass `JSON.stringify(value)`.
 */
export function setHiddenField(root: ParentNode, name: string, value: string): void {
  const input = root.querySelector<HTMLInputElement>(`input[type=hidden][name="${name}"]`)!;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}
