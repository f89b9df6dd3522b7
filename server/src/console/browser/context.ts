import type { RhClient } from '@rh/client'
import type { Route } from './hash-route'

/** What a page gets: the API client, its route, and how to talk to the person. */
export interface PageContext {
  client: RhClient
  route: Route
  /** Shows a message in the status line (read out by screen readers). */
  notice(text: string, kind?: 'info' | 'error'): void
  /** Renders the current page again (after an action). */
  refresh(): void
  /** The status line shows the failure; a refused sign-in goes back to the form. */
  fail(error: unknown): void
}
