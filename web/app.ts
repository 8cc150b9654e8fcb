// The web board as a Hono app mounted in the server of `escalator serve --port`: sign-in by one-time link, a signed
// session cookie, CSRF on every POST, the board, ticket pages and live updates. Testable in process with app.request().
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { performAlertAction } from '../channels/telegram/alert-actions';
import { alertActions, type AlertAction } from '../channels/telegram/alert-keyboard';
import type { Clock } from '../objects/clock';
import { readDocument, writeDocument } from '../objects/documents';
import { countEntries, findEntries, updateEntries } from '../objects/entries';
import { slaStatus } from '../jobs/sla';
import { slaPolicy } from '../jobs/sla-config';
import { EscalatorError, QueryError, ValidationError, errorMessage } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { asset } from './assets';
import { recordDocumentWrite } from './document-authors';
import { loadBoard } from './board-data';
import { alertFor, loadEntry } from './entry-data';
import { loadJobsPage, switchJob } from './job-data';
import { html } from './html';
import { renderBoardColumns, renderBoardPage, type BoardPageContext } from './pages/board-page';
import { renderEntryPage } from './pages/entry-page';
import { layout } from './pages/layout';
import { renderNoReports, renderReportsPage } from './pages/reports-page';
import { renderJobsPage } from './pages/jobs-page';
import { renderSlaTable, renderViewList, renderViewTable } from './pages/list-pages';
import { sameSecret, sessionMs, WebSessions, type WebSession } from './sessions';
import { WebError } from './web-error';
import { viewColumns } from './view-columns';
import { loadEscalationReport, reportableObjects, reportFilters } from './report-data';

export interface WebAppOptions {
  workspace: Workspace;
  clock: Clock;
  log: (line: string) => void;
  /** How often an idle live-update stream sends a keep-alive comment (default 25 s). */
  heartbeatMs?: number;
}

type WebEnv = { Variables: { session: WebSession; sessionId: string } };

export const sessionCookie = 'escalator_session';

/**
 * Builds the web app: GET /login, POST /logout, /board/OBJECT, /entry/OBJECT/ID, /views/OBJECT[/NAME], /sla, /jobs (and
 * POST /jobs/NAME/enabled), /reports,
 * /events/OBJECT (server-sent events), /static/NAME.
 */
export function createWebApp(options: WebAppOptions): Hono<WebEnv> {
  const { workspace, log } = options;
  const sessions = new WebSessions(workspace.db, options.clock);
  let key: Promise<string> | undefined;
  const cookieKey = () => (key ??= sessions.cookieKey());
  const app = new Hono<WebEnv>();
  const limit = bodyLimit({ maxSize: 16 * 1024, onError: () => { throw new WebError(413, 'the form is larger than 16 KiB'); } });

  /** Every page but /login needs a live session; anonymous requests get a page saying how to sign in. */
  const signedIn: MiddlewareHandler<WebEnv> = async (c, next) => {
    const value = await getSignedCookie(c, await cookieKey(), sessionCookie);
    const session = value ? await sessions.lookup(value) : undefined;
    if (!value || !session) throw new WebError(401, 'You are not signed in (or your session ended). Run "escalator web" on the server for a sign-in link.');
    c.set('session', session);
    c.set('sessionId', value);
    await next();
  };

  /** A change needs the session's CSRF token, in the X-CSRF-Token header or the csrf form field. */
  const csrf: MiddlewareHandler<WebEnv> = async (c, next) => {
    const expected = c.get('session').csrf;
    let given = c.req.header('x-csrf-token');
    if (!given) {
      const form = await c.req.parseBody();
      given = typeof form.csrf === 'string' ? form.csrf : undefined;
    }
    if (!given || !sameSecret(given, expected)) throw new WebError(403, 'This form is stale or did not come from the board (missing or wrong CSRF token). Reload the page and try again.');
    await next();
  };
  const change = [limit, signedIn, csrf] as const;

  app.use('/login', noStore);
  app.use('/board/*', noStore);
  app.use('/entry/*', noStore);
  app.use('/views/*', noStore);
  app.use('/sla', noStore);
  app.use('/jobs', noStore);
  app.use('/reports', noStore);

  /** Spends the token and opens the session; answers with a page that goes on to the board. */
  async function signIn(c: Context<WebEnv>, token: string | undefined): Promise<Response> {
    if (!token) throw new WebError(400, 'This address needs the token of a sign-in link. Run "escalator web" for one.');
    const outcome = await sessions.redeem(token);
    if (!outcome.ok) {
      log(`web: sign-in refused: ${outcome.reason}`);
      throw new WebError(401, outcome.reason);
    }
    const secure = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
    await setSignedCookie(c, sessionCookie, outcome.sessionId, await cookieKey(), { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge: sessionMs / 1000 });
    log(`web: ${outcome.session.person} signed in`);
    // A page rather than a 302: a SameSite=Strict cookie set while arriving from another site (a chat) is sent on
    // the next navigation this page starts, not on a redirect of the arriving one.
    const target = '/board/support_tickets';
    return c.html(layout({ title: 'Signed in', body: html`<meta http-equiv="refresh" content="0;url=${target}"><p>Signed in as ${outcome.session.person}. <a href="${target}">Open the board</a>.</p>` }));
  }

  app.get('/login', async (c) => {
    const token = c.req.query('token');
    // A browser opening the link says so (Fetch Metadata): it signs in at once. Anything else — a chat's link
    // preview, a mail scanner — gets a page with a button, so fetching the link does not spend it.
    if (c.req.header('sec-fetch-mode') === 'navigate' && c.req.header('sec-fetch-dest') === 'document') return signIn(c, token);
    if (!token) throw new WebError(400, 'This address needs the token of a sign-in link. Run "escalator web" for one.');
    return c.html(layout({ title: 'Sign in', body: html`<h1>Sign in to escalator</h1><form method="post" action="/login">
<input type="hidden" name="token" value="${token}"><button type="submit">Sign in</button></form>` }));
  });

  app.post('/login', limit, async (c) => {
    const origin = c.req.header('origin');
    if (origin && origin !== 'null' && new URL(origin).host !== c.req.header('host')) throw new WebError(403, 'A sign-in form from another site is refused.');
    const form = await c.req.parseBody();
    return signIn(c, typeof form.token === 'string' ? form.token : undefined);
  });

  app.post('/logout', ...change, async (c) => {
    await sessions.end(c.get('sessionId'));
    deleteCookie(c, sessionCookie, { path: '/' });
    return c.html(layout({ title: 'Signed out', body: html`<p>Signed out. Run "escalator web" for a new sign-in link.</p>` }));
  });

  app.get('/', signedIn, (c) => c.redirect('/board/support_tickets', 303));

  app.get('/static/:name', signedIn, (c) => {
    const found = asset(c.req.param('name'));
    if (!found) throw new WebError(404, `no asset ${c.req.param('name')}`);
    return c.body(found.body, 200, { 'Content-Type': found.type, 'Cache-Control': 'private, max-age=3600' });
  });

  async function boardContext(c: Context<WebEnv>, object: string, view: string | undefined): Promise<BoardPageContext> {
    const limitText = c.req.query('limit');
    const perColumn = limitText && /^\d{1,4}$/.test(limitText) ? Number(limitText) : 50;
    const board = await loadBoard(workspace, known(object), view ? { view, perColumn } : { perColumn });
    const definition = workspace.object(board.object);
    return { board, csrf: c.get('session').csrf, now: options.clock.now(), timeZone: workspace.timeZone, displayField: definition.displayField, views: definition.views.map((candidate) => candidate.name) };
  }

  app.get('/board/:object', signedIn, async (c) => {
    const context = await boardContext(c, c.req.param('object'), c.req.query('view') || undefined);
    const session = c.get('session');
    return c.html(layout({ title: `${context.board.object} board`, person: session.person, csrf: session.csrf, scripts: true, body: renderBoardPage(context) }));
  });

  app.get('/board/:object/columns', signedIn, async (c) => {
    const context = await boardContext(c, c.req.param('object'), c.req.query('view') || undefined);
    return c.html(renderBoardColumns(context).value);
  });

  app.post('/entry/:object/:id/move', ...change, async (c) => {
    const object = known(c.req.param('object'));
    const definition = workspace.object(object);
    const form = await c.req.parseBody();
    const status = typeof form.status === 'string' ? form.status : '';
    if (!definition.kanbanField) throw new WebError(422, `${definition.name} has no kanban field to move along`);
    if (!status) throw new WebError(422, `say which ${definition.kanbanField} to move to (the status field)`);
    const person = c.get('session').person;
    const changes = await invalidAs422(() => updateEntries(workspace, definition.name, [{ id: c.req.param('id'), values: { [definition.kanbanField!]: status } }], { by: `web:${person}` }));
    log(`web: ${person} moved ${definition.name} ${c.req.param('id')} to ${status}${changes.length ? '' : ' (already there)'}`);
    const view = typeof form.view === 'string' && form.view ? form.view : undefined;
    if (c.req.header('hx-request')) return c.html(renderBoardColumns(await boardContext(c, object, view)).value);
    if (c.req.header('x-requested-with')) return c.text(`moved to ${status}`);
    return c.redirect(`/board/${encodeURIComponent(definition.name)}${view ? `?view=${encodeURIComponent(view)}` : ''}`, 303);
  });

  async function entryPage(c: Context<WebEnv>, notice?: { text: string; error: boolean }) {
    const object = known(c.req.param('object')!);
    const data = await loadEntry(workspace, object, c.req.param('id')!);
    if (!data) throw new WebError(404, `${object} has no entry ${c.req.param('id')}`);
    const session = c.get('session');
    const title = String(data.entry[data.definition.displayField] ?? data.entry.id);
    const body = renderEntryPage({ ...data, csrf: session.csrf, now: options.clock.now(), timeZone: workspace.timeZone, ...(notice ? { notice } : {}) });
    return c.html(layout({ title, person: session.person, csrf: session.csrf, body }));
  }

  app.get('/entry/:object/:id', signedIn, (c) => entryPage(c));

  app.post('/entry/:object/:id/action', ...change, async (c) => {
    const object = known(c.req.param('object'));
    const form = await c.req.parseBody();
    const action = typeof form.action === 'string' ? form.action : '';
    if (!(alertActions as readonly string[]).includes(action)) throw new WebError(422, `unknown action "${action}" (acknowledge: ack, resolve, snooze, escalate)`);
    const person = c.get('session').person;
    const { ref } = await alertFor(workspace, workspace.object(object).name, c.req.param('id'));
    const outcome = await performAlertAction(workspace, ref, action as AlertAction, { name: person, by: `web:${person}` });
    log(`web: ${person} pressed ${action} on ${object} ${c.req.param('id')}: ${outcome.done ? outcome.summary : outcome.reason}`);
    return entryPage(c, outcome.done ? { text: outcome.summary, error: false } : { text: outcome.reason, error: true });
  });

  const documentLimit = bodyLimit({ maxSize: 512 * 1024, onError: () => { throw new WebError(413, 'the document is larger than 512 KiB'); } });

  app.post('/entry/:object/:id/document', documentLimit, signedIn, csrf, async (c) => {
    const object = known(c.req.param('object'));
    const id = c.req.param('id');
    if (!(await loadEntry(workspace, object, id))) throw new WebError(404, `${object} has no entry ${id}`);
    const form = await c.req.parseBody();
    if (typeof form.markdown !== 'string') throw new WebError(422, 'send the document as the markdown field');
    const person = c.get('session').person;
    const markdown = form.markdown.replace(/\r\n?/g, '\n');
    const { entryId } = await writeDocument(workspace, object, id, markdown);
    // Document files keep no author: the board records who saved this text (shown on the ticket page).
    await recordDocumentWrite(workspace.db, { object, entryId, by: `web:${person}`, at: options.clock.now(), text: readDocument(workspace, object, entryId) ?? markdown });
    log(`web: ${person} wrote the document of ${object} ${id} (${markdown.length} characters)`);
    return entryPage(c, { text: `Document saved by ${person}.`, error: false });
  });

  app.get('/events/:object', signedIn, (c) => {
    const object = workspace.object(known(c.req.param('object'))).name;
    return streamSSE(c, async (stream) => {
      const unsubscribe = workspace.onEntriesChanged((changes) => {
        const ids = [...new Set(changes.filter((change) => change.object === object).map((change) => change.entryId))];
        if (ids.length > 0) void stream.writeSSE({ event: 'changed', data: JSON.stringify({ ids: ids.slice(0, 100), count: ids.length }) }).catch(() => undefined);
      });
      const heartbeat = setInterval(() => void stream.write(': keep-alive\n\n').catch(() => undefined), options.heartbeatMs ?? 25_000);
      heartbeat.unref();
      const ended = new Promise<void>((resolve) => stream.onAbort(() => resolve()));
      try {
        await stream.writeSSE({ event: 'ready', data: object });
        await ended;
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    });
  });

  /** A signed-in page with the shared layout. */
  const page = (c: Context<WebEnv>, title: string, body: ReturnType<typeof html>) => {
    const session = c.get('session');
    return c.html(layout({ title, person: session.person, csrf: session.csrf, body }));
  };

  app.get('/views/:object', signedIn, (c) => {
    const definition = workspace.object(known(c.req.param('object')));
    return page(c, `Views of ${definition.name}`, renderViewList(definition));
  });

  app.get('/views/:object/:name', signedIn, async (c) => {
    const definition = workspace.object(known(c.req.param('object')));
    const view = definition.views.find((candidate) => candidate.name.toLowerCase() === c.req.param('name').toLowerCase());
    if (!view) throw new WebError(404, `${definition.name} has no view "${c.req.param('name')}"`);
    const rows = await findEntries(workspace, definition.name, { view: view.name, limit: 500 });
    const total = rows.length < 500 ? rows.length : await countEntries(workspace, definition.name, view.filter);
    const table = await viewColumns(workspace, definition, view, rows);
    return page(c, view.name, renderViewTable({ definition, view, table, total, timeZone: workspace.timeZone }));
  });

  app.get('/sla', signedIn, async (c) => {
    const all = await slaStatus(workspace, { now: options.clock.now() });
    return page(c, 'SLA', renderSlaTable({ object: slaPolicy(workspace).object, all, rows: all.slice(0, 300) }));
  });

  async function jobsPage(c: Context<WebEnv>, notice?: { text: string; error: boolean }) {
    const data = await loadJobsPage(workspace, options.clock.now());
    return page(c, 'Jobs', renderJobsPage({ ...data, workspace, csrf: c.get('session').csrf, ...(notice ? { notice } : {}) }));
  }

  app.get('/jobs', signedIn, (c) => jobsPage(c));

  app.post('/jobs/:name/enabled', ...change, async (c) => {
    const form = await c.req.parseBody();
    if (form.enabled !== 'true' && form.enabled !== 'false') throw new WebError(422, 'say enabled=true (resume) or enabled=false (pause)');
    const enabled = form.enabled === 'true';
    const person = c.get('session').person;
    const name = c.req.param('name');
    // An unknown job is the jobs layer's EscalatorError ("no job named …"), shown as a 404 by onError.
    const changed = await switchJob(workspace, { name, enabled, by: `web:${person}`, at: options.clock.now() });
    log(`web: ${person} ${enabled ? 'resumed' : 'paused'} job ${name}${changed ? '' : ' (already so)'}`);
    return jobsPage(c, { text: changed ? `${name} ${enabled ? 'resumed' : 'paused'} by ${person}.` : `${name} was already ${enabled ? 'enabled' : 'paused'}.`, error: false });
  });

  app.get('/reports', signedIn, async (c) => {
    const filters = await invalidAs422(async () => reportFilters({ period: c.req.query('period'), from: c.req.query('from'), to: c.req.query('to') }));
    const objects = reportableObjects(workspace);
    const asked = c.req.query('object');
    const object = asked ? known(asked) : objects.includes('support_tickets') ? 'support_tickets' : objects[0];
    if (!object) return page(c, 'Reports', renderNoReports());
    if (!objects.includes(object)) throw new WebError(422, `${object} has no tier field, so it has no escalations to report (objects that do: ${objects.join(', ') || 'none'})`);
    return page(c, 'Reports', renderReportsPage(await loadEscalationReport(workspace, object, filters), objects));
  });

  app.onError((error, c) => {
    const shown = error instanceof WebError || (error instanceof EscalatorError && !(error instanceof QueryError));
    const status = error instanceof WebError ? error.status : error instanceof ValidationError ? 422 : shown ? 404 : 500;
    const reason = shown ? error.message : 'Something went wrong on the server; nothing was changed. The server log has the details.';
    if (status === 500) log(`web error ${c.req.method} ${c.req.path}: ${errorMessage(error)}`);
    if (c.req.header('hx-request') || c.req.header('x-requested-with')) return c.text(reason, status);
    return c.html(layout({ title: `Error ${status}`, body: html`<h1>${status === 401 ? 'Sign in needed' : status === 403 ? 'Refused' : 'Error'}</h1><p class="notice error">${reason}</p>` }), status);
  });

  /** An object name from the URL, checked against the workspace (unknown → 404). */
  function known(name: string): string {
    try {
      return workspace.object(name).name;
    } catch (error) {
      throw new WebError(404, errorMessage(error));
    }
  }

  return app;
}

const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  // Defence in depth behind the escaping: scripts only from escalator itself, nothing framed, forms only to it.
  c.header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
};

async function invalidAs422<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError) throw new WebError(422, error.message);
    throw error;
  }
}
