// The console's delivery log, kept up to date while it is open: the server's own server-sent
// events (the table's data-live URL), one row per new attempt, written with textContent only
// (nothing the server sends is ever parsed as HTML). Without this script the page still works:
// it shows the log as it was, and reloading shows the rest.
(() => {
  const table = document.getElementById('deliveries');
  if (!table || !window.EventSource) {
    return;
  }
  const status = document.getElementById('live-status');
  const body = table.tBodies[0];
  const source = new EventSource(table.dataset.live + '?after=' + encodeURIComponent(table.dataset.after || '0'));
  let added = 0;

  const cell = (row, text, asCode) => {
    const td = row.insertCell();
    if (asCode) {
      const code = document.createElement('code');
      code.textContent = text;
      td.append(code);
    } else {
      td.textContent = text;
    }
    return td;
  };

  const replayForm = (deliveryId) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = table.dataset.replay + '/' + encodeURIComponent(deliveryId) + '/replay';
    const token = document.createElement('input');
    token.type = 'hidden';
    token.name = table.dataset.tokenName;
    token.value = table.dataset.token;
    const button = document.createElement('button');
    button.type = 'submit';
    button.className = 'link';
    button.textContent = 'Replay';
    button.setAttribute('aria-label', 'Replay delivery ' + deliveryId);
    form.append(token, button);
    return form;
  };

  source.addEventListener('attempt', (event) => {
    const attempt = JSON.parse(event.data);
    const row = body.insertRow(0);
    cell(row, attempt.id, true);
    cell(row, attempt.callId, true);
    cell(row, attempt.event);
    cell(row, attempt.attempt);
    cell(row, attempt.attemptedAt);
    cell(row, attempt.httpStatus ?? 'none');
    const outcome = row.insertCell();
    const label = document.createElement('span');
    label.className = 'state outcome-' + attempt.outcome;
    label.textContent = attempt.outcome;
    outcome.append(label);
    cell(row, attempt.error ?? '');
    cell(row, attempt.latencyMs);
    const replay = row.insertCell();
    if (attempt.outcome === 'failed') {
      replay.append(replayForm(attempt.id));
    }
    added += 1;
    status.textContent = added + ' new attempt' + (added === 1 ? '' : 's') + ' since this page was loaded. New attempts appear here as calls happen.';
  });

  source.addEventListener('ended', () => {
    source.close();
    status.textContent = 'Live updates stopped: your session has ended. Reload the page to sign in again.';
  });
})();
