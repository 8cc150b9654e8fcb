// Entry documents as HTML: markdown rendered by marked, with everything a ticket's author could use to inject markup
// made inert — raw HTML in the markdown is shown as text, and links and images keep only http(s), mailto and
// in-page addresses (a javascript: or data: link becomes plain text).
import { Marked, type Tokens } from 'marked';
import { escapeHtml, raw, type SafeHtml } from './html';

/** Whether an address may be a link's target: http(s), mailto, or relative to the board (/…, #…). */
export function safeHref(href: string): boolean {
  const trimmed = href.trim();
  if (/^(#|\/(?!\/))/.test(trimmed)) return true;
  // Browsers ignore tabs and newlines inside a scheme ("java\tscript:"): judge the address as they would read it.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed.replace(/[\u0000-\u0020]/g, ''))?.[1]?.toLowerCase();
  return scheme === 'http' || scheme === 'https' || scheme === 'mailto';
}

const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
    link(token: Tokens.Link): string {
      const text = this.parser.parseInline(token.tokens);
      if (!safeHref(token.href)) return text;
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
      return `<a href="${escapeHtml(token.href.trim())}"${title} rel="noopener noreferrer nofollow">${text}</a>`;
    },
    image(token: Tokens.Image): string {
      // Images are not fetched from elsewhere (the page's CSP would refuse them anyway): a link to them instead.
      const text = escapeHtml(token.text || token.href);
      return safeHref(token.href) ? `<a href="${escapeHtml(token.href.trim())}" rel="noopener noreferrer nofollow">${text}</a>` : text;
    },
  },
});

/** A document's markdown as markup safe to put on a page. */
export function renderMarkdown(text: string): SafeHtml {
  return raw(markdown.parse(text, { async: false }));
}
