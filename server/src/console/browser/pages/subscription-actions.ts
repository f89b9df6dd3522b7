import type { Subscription } from '@rh/protocol'
import type { PageContext } from '../context'
import { h } from '../dom'
import { formatDuration, isoToLocalInput, localInputToIso } from '../format'
import { routeHref } from '../hash-route'
import { actionButton, field, select } from '../widgets'

/**
 * The actions on one subscription: pause or resume (re-enable when disabled), send a test event,
 * replay since a time, rotate the secret (shown once), unsubscribe (confirmed in the page).
 */
export function subscriptionActions(context: PageContext, subscription: Subscription) {
  const { client, notice, refresh, fail } = context
  const id = subscription.id
  const output = h('div', { class: 'action-output' })
  const run = (action: () => Promise<void>) => async () => {
    try {
      await action()
    } catch (error) {
      fail(error)
    }
  }

  const setStatus = (status: 'active' | 'paused', said: string) =>
    run(async () => {
      await client.update(id, { status })
      notice(said)
      refresh()
    })
  const statusButton =
    subscription.status === 'active'
      ? actionButton('Pause', setStatus('paused', 'Paused.'))
      : actionButton(
          subscription.status === 'disabled' ? 'Re-enable' : 'Resume',
          setStatus('active', subscription.status === 'disabled' ? 'Re-enabled.' : 'Resumed.'),
        )

  const sendTest = actionButton(
    'Send test event',
    run(async () => {
      const attempt = await client.sendTest(id)
      const status = attempt.response_status === null ? '' : ` ${attempt.response_status}`
      const error = attempt.error ? `: ${attempt.error}` : ''
      const excerpt = attempt.response_excerpt ? `: ${attempt.response_excerpt}` : ''
      notice(
        `Test event ${attempt.outcome}${status} in ${formatDuration(attempt.duration_ms)}${error}${excerpt}`,
      )
    }),
  )

  const rotate = actionButton(
    'Rotate secret',
    run(async () => {
      const rotated = await client.rotateSecret(id)
      output.replaceChildren(
        h(
          'div',
          { class: 'secret', role: 'group', 'aria-label': 'New secret' },
          h('p', {}, 'The new secret, shown this once: copy it now.'),
          h('code', { class: 'secret-value', tabindex: 0 }, rotated.secret),
          h(
            'p',
            {},
            `The previous secret keeps signing until ${rotated.previous_secret_expires_at ?? 'now'}.`,
          ),
        ),
      )
      notice('Secret rotated.')
    }),
  )

  const since = h('input', {
    name: 'since',
    type: 'datetime-local',
    required: true,
    value: isoToLocalInput(new Date(Date.now() - 3_600_000).toISOString()),
  }) as HTMLInputElement
  const which = select('status', [
    ['failed', 'Failed and cancelled only'],
    ['all', 'Every message'],
  ]) as HTMLSelectElement
  const replay = h(
    'form',
    { class: 'inline-form', method: 'post', action: '#' },
    field('Replay since', since),
    field('Which', which),
    h('button', { type: 'submit' }, 'Replay'),
  )
  replay.addEventListener('submit', (submitted) => {
    submitted.preventDefault()
    const from = localInputToIso(since.value)
    if (from === undefined) return notice('Give the time to replay from.', 'error')
    void run(async () => {
      const status = which.value === 'all' ? 'all' : 'failed'
      const { replayed } = await client.replay(id, { since: from, status })
      notice(`Replaying ${replayed} message${replayed === 1 ? '' : 's'}.`)
      refresh()
    })()
  })

  const confirmBox = h('div', { class: 'confirm', hidden: true })
  const unsubscribe = actionButton('Unsubscribe…', async () => {
    confirmBox.hidden = false
    confirmBox.replaceChildren(
      h('p', {}, 'Unsubscribe for good? Pending deliveries are cancelled.'),
      actionButton(
        'Yes, unsubscribe',
        run(async () => {
          await client.unsubscribe(id)
          notice('Unsubscribed.')
          location.hash = routeHref('subscriptions')
        }),
        { class: 'danger' },
      ),
      actionButton('Cancel', async () => {
        confirmBox.hidden = true
        unsubscribe.focus()
      }),
    )
    ;(confirmBox.querySelector('button') as HTMLButtonElement).focus()
  })

  return h(
    'section',
    { class: 'actions', 'aria-labelledby': 'actions-heading' },
    h('h2', { id: 'actions-heading' }, 'Actions'),
    h('div', { class: 'button-row' }, statusButton, sendTest, rotate, unsubscribe),
    confirmBox,
    output,
    replay,
  )
}
