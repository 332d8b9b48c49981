/**
 * A Svelte action that moves the keyboard focus to its element when the element appears (the element carries
 * tabindex="-1" to be focusable). A result or an error summary may appear at the top of a page while the person is
 * far down it; moving focus there scrolls it into view and has screen readers read it out.
 */
export function focusOnMount(node: HTMLElement): void {
  node.focus();
}
