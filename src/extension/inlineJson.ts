/**
 * A value written into a page as `<script type="application/json">`, for the
 * page's script to read without asking for it by message. The browser never
 * runs it (so the page's script-src leaves it alone); `<` is escaped inside
 * the JSON so that no text of the value can close the element or open a comment.
 */
export function inlineJsonScript(id: string, value: unknown): string {
  const json = JSON.stringify(value).replace(/</g, '\\u003c');
  return `<script type="application/json" id="${id.replace(/[^\w-]/g, '')}">${json}</script>`;
}
